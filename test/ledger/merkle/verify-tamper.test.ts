// Property tests of ledger/merkle/verify.ts against tampering, cross-checked with the RFC 9162 verification
// algorithms as the RFC words them (naive-reference.ts).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { twinTrees } from './fixtures.js';
import { naiveVerifyConsistency, naiveVerifyInclusion } from './naive-reference.js';

const max = 2048;
const { tree, naive } = twinTrees(max);

type Tamper =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'drop'; at: number }
  | { kind: 'extra'; at: number }
  | { kind: 'swap' };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extra' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const) }),
);

/** The proof altered as described, or undefined when the alteration does not apply (e.g. nothing to flip). */
function applyTamper(proof: Uint8Array[], t: Tamper): Uint8Array[] | undefined {
  const out = proof.map((h) => h.slice());
  if (t.kind === 'extra') {
    out.splice(t.at % (out.length + 1), 0, new Uint8Array(32).fill(0x5a));
    return out;
  }
  if (out.length === 0) return undefined;
  if (t.kind === 'flip') {
    const hash = out[t.at % out.length] as Uint8Array;
    hash[t.bit >> 3] = (hash[t.bit >> 3] as number) ^ (1 << (t.bit & 7));
  } else if (t.kind === 'drop') {
    out.splice(t.at % out.length, 1);
  } else {
    if (out.length < 2) return undefined;
    out.reverse();
  }
  return out;
}

const inclusionCase = fc.integer({ min: 1, max }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n)));
const consistencyCase = fc.integer({ min: 2, max }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n)));

describe('ledger/merkle/verify (tampering)', () => {
  it('When an honest proof is checked, then both this verifier and the RFC 9162 text algorithm accept it', () => {
    fc.assert(
      fc.property(inclusionCase, consistencyCase, ([m, n], [s1, s2]) => {
        const inc = tree.inclusionProof(m, n);
        assert.ok(verifyInclusion(tree.leafHash(m), m, n, inc, naive.mth(0, n)));
        assert.ok(naiveVerifyInclusion(tree.leafHash(m), m, n, inc, naive.mth(0, n)));
        const con = tree.consistencyProof(s1, s2);
        assert.ok(verifyConsistency(s1, s2, con, naive.mth(0, s1), naive.mth(0, s2)));
        assert.ok(naiveVerifyConsistency(s1, s2, con, naive.mth(0, s1), naive.mth(0, s2)));
      }),
      { numRuns: 200 },
    );
  });

  it('When an inclusion proof is flipped, truncated, extended or reordered, then it does not verify', () => {
    fc.assert(
      fc.property(inclusionCase, tamper, ([m, n], t) => {
        const bad = applyTamper(tree.inclusionProof(m, n), t);
        fc.pre(bad !== undefined);
        assert.equal(verifyInclusion(tree.leafHash(m), m, n, bad, naive.mth(0, n)), false);
        assert.equal(naiveVerifyInclusion(tree.leafHash(m), m, n, bad, naive.mth(0, n)), false);
      }),
      { numRuns: 300 },
    );
  });

  it('When a consistency proof is flipped, truncated, extended or reordered, then it does not verify', () => {
    fc.assert(
      fc.property(consistencyCase, tamper, ([m, n], t) => {
        const bad = applyTamper(tree.consistencyProof(m, n), t);
        fc.pre(bad !== undefined);
        assert.equal(verifyConsistency(m, n, bad, naive.mth(0, m), naive.mth(0, n)), false);
        assert.equal(naiveVerifyConsistency(m, n, bad, naive.mth(0, m), naive.mth(0, n)), false);
      }),
      { numRuns: 300 },
    );
  });

  // A proof binds the index; the size is bound by the (size, root) pair of a signed tree head. So a wrong size is
  // presented with the genuine root of that size, as a lying log would have to.
  it('When an inclusion proof is presented for another index, leaf or size, then it does not verify', () => {
    fc.assert(
      fc.property(inclusionCase, fc.integer({ min: 1, max }), fc.nat(), ([m, n], otherSize, delta) => {
        const proof = tree.inclusionProof(m, n);
        const root = naive.mth(0, n);
        const otherIndex = (m + 1 + (delta % Math.max(1, n - 1))) % n;
        if (otherIndex !== m) assert.equal(verifyInclusion(tree.leafHash(m), otherIndex, n, proof, root), false);
        assert.equal(verifyInclusion(tree.leafHash((m + 1) % max), m, n, proof, root), false);
        if (otherSize !== n) {
          assert.equal(verifyInclusion(tree.leafHash(m), m, otherSize, proof, naive.mth(0, otherSize)), false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('When a consistency proof is presented for other sizes or roots, then it does not verify', () => {
    fc.assert(
      fc.property(consistencyCase, fc.integer({ min: 1, max }), ([m, n], other) => {
        const proof = tree.consistencyProof(m, n);
        const [root1, root2] = [naive.mth(0, m), naive.mth(0, n)];
        if (other !== m) assert.equal(verifyConsistency(other, n, proof, naive.mth(0, other), root2), false);
        if (other !== n) assert.equal(verifyConsistency(m, other, proof, root1, naive.mth(0, other)), false);
        assert.equal(verifyConsistency(m, n, proof, root2, root1), false);
        assert.equal(verifyConsistency(m, n, proof, naive.mth(0, m - 1), root2), false);
      }),
      { numRuns: 300 },
    );
  });
});

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashChildren, hashLeaf } from '../../../ledger/merkle/hash.js';
import type { NodeId } from '../../../ledger/merkle/node-id.js';
import { assembleProof, consistencyPlan, inclusionPlan } from '../../../ledger/merkle/proof-plan.js';
import type { ProofPlan } from '../../../ledger/merkle/proof-plan.js';
import { rootFromHashes, rootPlan } from '../../../ledger/merkle/root.js';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { UniformNaiveTree } from './naive-reference.js';

const ids = (pairs: [number, number][]): NodeId[] => pairs.map(([level, index]) => ({ level, index }));

/** Proof length per RFC 9162 §2.1.3.2 / transparency-dev decompInclProof, computed with BigInt. */
function inclusionLength(index: bigint, size: bigint): number {
  const inner = (index ^ (size - 1n)).toString(2).replace(/^0$/, '').length;
  const border = [...(index >> BigInt(inner)).toString(2)].filter((c) => c === '1').length;
  return inner + border;
}

/** Every id is a complete node of the tree of `size` leaves and none repeats. */
function assertCompleteAndDistinct(plan: ProofPlan, size: number): void {
  const seen = new Set<string>();
  for (const id of plan.ids) {
    assert.ok(Number.isSafeInteger(id.index) && id.index >= 0, `index ${id.index}`);
    assert.ok((BigInt(id.index) + 1n) << BigInt(id.level) <= BigInt(size), `(${id.level}, ${id.index}) complete`);
    seen.add(`${id.level}:${id.index}`);
  }
  assert.equal(seen.size, plan.ids.length);
}

const foldedLength = (plan: ProofPlan): number => plan.ids.length - Math.max(0, plan.end - plan.begin - 1);
const bigSize = fc.oneof(fc.integer({ min: 2, max: 2 ** 40 }), fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }));

describe('ledger/merkle/proof-plan', () => {
  it('When a leaf of a perfect tree is proven, then the plan is its siblings and has no ephemeral node', () => {
    const plan = inclusionPlan(0, 8);
    assert.deepEqual(plan.ids, ids([[0, 1], [1, 1], [2, 1]]));
    assert.equal(plan.ephem, null);
    assert.equal(plan.begin, plan.end);
  });

  it('When the right border is incomplete, then its parts are listed lowest first under the ephemeral node', () => {
    // Size 7: leaf 0's path leaves the border at node (2, 0); its sibling (2, 1) covers [4, 7) = (1, 2) + (0, 6).
    const plan = inclusionPlan(0, 7);
    assert.deepEqual(plan.ids, ids([[0, 1], [1, 1], [0, 6], [1, 2]]));
    assert.deepEqual([plan.begin, plan.end], [2, 4]);
    assert.deepEqual(plan.ephem, { level: 2, index: 1 });
  });

  it('When a consistency plan starts at a power of two, then the old root is not in it', () => {
    assert.deepEqual(consistencyPlan(4, 8).ids, ids([[2, 1]]));
    assert.deepEqual(consistencyPlan(6, 8).ids, ids([[1, 2], [1, 3], [2, 0]]));
    assert.deepEqual(consistencyPlan(5, 5).ids, []);
  });

  it('When the hashes are assembled, then the ephemeral parts fold right to left into one element', () => {
    const plan = inclusionPlan(0, 7);
    const h = [0, 1, 2, 3].map((i) => new Uint8Array(32).fill(i));
    const [a, b, c, d] = h as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    assert.deepEqual(assembleProof(plan, h), [a, b, hashChildren(d, c)]);
  });

  it('When sizes go up to 2^53 − 1, then plans have the RFC 9162 length and only complete, distinct nodes', () => {
    fc.assert(
      fc.property(bigSize, fc.double({ min: 0, max: 1, noNaN: true }), (size, f) => {
        const index = Math.min(size - 1, Math.floor(f * size));
        const inc = inclusionPlan(index, size);
        assertCompleteAndDistinct(inc, size);
        assert.equal(foldedLength(inc), inclusionLength(BigInt(index), BigInt(size)));
        const size1 = Math.max(1, index);
        const con = consistencyPlan(size1, size);
        assertCompleteAndDistinct(con, size);
        const log = Math.ceil(Math.log2(size));
        assert.ok(inc.ids.length <= 2 * log && con.ids.length <= 2 * log + 1, `${inc.ids.length}, ${con.ids.length}`);
      }),
      { numRuns: 1000 },
    );
  });

  // In a tree whose leaves are all equal, complete node (L, i) has a hash that depends on L alone, so a "store" of
  // 54 hashes serves any size: plans, assembly, roots and verification meet the RFC recursion past 2^32 leaves.
  it('When the tree is far past 2^32 leaves, then planned proofs equal RFC PATH and PROOF and verify', () => {
    const leaf = hashLeaf(Uint8Array.of(42));
    const byLevel = [leaf];
    for (let level = 1; level <= 53; level++) {
      const below = byLevel[level - 1] as Uint8Array;
      byLevel.push(hashChildren(below, below));
    }
    const fetch = (plan: NodeId[]): Uint8Array[] => plan.map((id) => byLevel[id.level] as Uint8Array);
    fc.assert(
      fc.property(bigSize, fc.double({ min: 0, max: 1, noNaN: true }), (size, f) => {
        const naive = new UniformNaiveTree(leaf, size);
        const root = rootFromHashes(fetch(rootPlan(size)));
        assert.deepEqual(root, naive.mth());
        const index = Math.min(size - 1, Math.floor(f * size));
        const inc = inclusionPlan(index, size);
        const incProof = assembleProof(inc, fetch(inc.ids));
        assert.deepEqual(incProof, naive.path(index));
        assert.ok(verifyInclusion(leaf, index, size, incProof, root));
        assert.ok(verifyInclusion(leaf, BigInt(index), BigInt(size), incProof, root));
        const size1 = Math.max(1, index);
        const con = consistencyPlan(size1, size);
        const conProof = assembleProof(con, fetch(con.ids));
        assert.deepEqual(conProof, naive.proof(size1));
        assert.ok(verifyConsistency(size1, size, conProof, naive.mth(0, size1), root));
      }),
      { numRuns: 80 },
    );
  });

  it('When preconditions are broken, then TypeError or RangeError names the argument', () => {
    assert.throws(() => inclusionPlan(5, 5), { name: 'RangeError', message: /index/ });
    assert.throws(() => inclusionPlan(-1, 5), { name: 'RangeError', message: /index/ });
    assert.throws(() => inclusionPlan(0, 2 ** 53), { name: 'RangeError', message: /size/ });
    assert.throws(() => inclusionPlan(0.5, 5), { name: 'TypeError', message: /index/ });
    assert.throws(() => inclusionPlan(0, '5' as unknown as number), { name: 'TypeError', message: /size/ });
    assert.throws(() => consistencyPlan(0, 5), { name: 'RangeError', message: /size1/ });
    assert.throws(() => consistencyPlan(6, 5), { name: 'RangeError', message: /size1/ });
    assert.throws(() => consistencyPlan(1, NaN), { name: 'TypeError', message: /size2/ });
    const plan = inclusionPlan(0, 7);
    assert.throws(() => assembleProof(plan, []), { name: 'RangeError', message: /hashes/ });
    assert.throws(() => assembleProof(plan, [new Uint8Array(32), 'x', new Uint8Array(32), new Uint8Array(32)] as Uint8Array[]), {
      name: 'TypeError',
      message: /hashes\[1\]/,
    });
  });
});

import assert from 'node:assert/strict';
import { hexToBytes } from '@noble/hashes/utils.js';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../ledger/merkle/verify.js';
import { withVectors } from '../../support/vectors.js';
import { twinTrees, u64 } from './fixtures.js';
import type { ProbeVectors, ReferenceVectors } from './fixtures.js';

const hexes = (list: string[]): Uint8Array[] => list.map((h) => hexToBytes(h));

describe('ledger/merkle/verify', () => {
  withVectors<ReferenceVectors>('rfc6962_merkle_reference.json', 'When the reference proofs are checked', (v) => {
    it('then every reference inclusion proof verifies', () => {
      for (const p of v.inclusionProofs) {
        const leaf = hashLeaf(hexToBytes(p.leafInputHex));
        assert.ok(verifyInclusion(leaf, p.leafIndex, p.treeSize, hexes(p.proof), hexToBytes(p.rootHex)));
      }
    });
    it('then every reference consistency proof verifies', () => {
      for (const p of v.consistencyProofs) {
        assert.ok(verifyConsistency(p.size1, p.size2, hexes(p.proof), hexToBytes(p.root1Hex), hexToBytes(p.root2Hex)));
      }
    });
  });

  withVectors<ProbeVectors>('rfc6962_proof_probes.json', 'When the transparency-dev probes are replayed', (v) => {
    it(`then all ${v.inclusion.length} inclusion probes are valid exactly when wantErr is false`, () => {
      for (const p of v.inclusion) {
        const ok = verifyInclusion(
          hexToBytes(p.leafHashHex), u64(p.leafIndex), u64(p.treeSize), hexes(p.proof), hexToBytes(p.rootHex));
        assert.equal(ok, !p.wantErr, `${p.desc} (index ${p.leafIndex}, size ${p.treeSize})`);
      }
    });
    it(`then all ${v.consistency.length} consistency probes are valid exactly when wantErr is false`, () => {
      for (const p of v.consistency) {
        const ok = verifyConsistency(
          u64(p.size1), u64(p.size2), hexes(p.proof), hexToBytes(p.root1Hex), hexToBytes(p.root2Hex));
        assert.equal(ok, !p.wantErr, `${p.desc} (${p.size1} → ${p.size2})`);
      }
    });
  });

  // The subtree probes follow the newer draft subtree proofs (C2SP tlog / draft-ietf-plants), which this module
  // does not implement. Those over a subtree [0, end) are plain RFC 9162 proofs (size = end, or size1 = end), so
  // they run here — except consistency from the empty subtree [0, 0), which the draft accepts and RFC 9162 (like
  // upstream's Consistency) refuses. Subtrees that start past 0 have no RFC 9162 meaning and are not run.
  withVectors<ProbeVectors>('rfc6962_proof_probes.json', 'When the subtree probes over [0, end) are replayed', (v) => {
    const inclusion = v.subtreeInclusion.filter((p) => u64(p.start) === 0n);
    const consistency = v.subtreeConsistency.filter((p) => u64(p.start) === 0n && u64(p.end) > 0n);

    it(`then all ${inclusion.length} of ${v.subtreeInclusion.length} mapped inclusion probes agree`, () => {
      for (const p of inclusion) {
        const ok = verifyInclusion(
          hexToBytes(p.leafHashHex), u64(p.leafIndex), u64(p.end), hexes(p.proof), hexToBytes(p.rootHex));
        assert.equal(ok, !p.wantErr, p.file);
      }
    });
    it(`then all ${consistency.length} of ${v.subtreeConsistency.length} mapped consistency probes agree`, () => {
      for (const p of consistency) {
        const ok = verifyConsistency(
          u64(p.end), u64(p.size), hexes(p.proof), hexToBytes(p.root1Hex), hexToBytes(p.root2Hex));
        assert.equal(ok, !p.wantErr, p.file);
      }
    });
  });

  describe('When sizes and indices are out of range', () => {
    const { tree } = twinTrees(13);
    const root = tree.root();
    const leaf = tree.leafHash(5);
    const proof = tree.inclusionProof(5);

    it('then the honest proof verifies with number and bigint arguments alike', () => {
      assert.ok(verifyInclusion(leaf, 5, 13, proof, root));
      assert.ok(verifyInclusion(leaf, 5n, 13n, proof, root));
    });
    it('then negative, ≥ 2^53 and uint64 values do not verify and do not throw', () => {
      assert.equal(verifyInclusion(leaf, -1, 13, proof, root), false);
      assert.equal(verifyInclusion(leaf, 5, 2 ** 60, proof, root), false);
      assert.equal(verifyInclusion(leaf, 2n ** 64n - 1n, 13n, proof, root), false);
      assert.equal(verifyInclusion(leaf, 5n, 2n ** 53n, proof, root), false);
      assert.equal(rootFromInclusionProof(leaf, 13, 13, proof), null);
      assert.equal(verifyConsistency(-1, 13, [], root, root), false);
      assert.equal(verifyConsistency(13n, 2n ** 63n, [], root, root), false);
    });
    it('then misuse (wrong types, non-integers) throws TypeError naming the argument', () => {
      assert.throws(() => verifyInclusion(leaf, 1.5, 13, proof, root), { name: 'TypeError', message: /index/ });
      assert.throws(() => verifyInclusion(leaf, 5, '13' as unknown as number, proof, root), {
        name: 'TypeError',
        message: /size/,
      });
      assert.throws(() => verifyInclusion('x' as unknown as Uint8Array, 5, 13, proof, root), {
        name: 'TypeError',
        message: /leafHash/,
      });
      assert.throws(() => verifyInclusion(leaf, 5, 13, [...proof, 'x' as unknown as Uint8Array], root), {
        name: 'TypeError',
        message: /proof\[4\]/,
      });
      assert.throws(() => verifyInclusion(leaf, 5, 13, proof, [] as unknown as Uint8Array), {
        name: 'TypeError',
        message: /root/,
      });
      assert.throws(() => verifyConsistency(1, NaN, [], root, root), { name: 'TypeError', message: /size2/ });
      assert.throws(() => verifyConsistency(1, 2, 'p' as unknown as Uint8Array[], root, root), {
        name: 'TypeError',
        message: /proof/,
      });
    });
  });

  describe('When a consistency proof is checked between equal sizes', () => {
    const { tree } = twinTrees(6);
    it('then it verifies only with the empty proof and identical roots; size 0 never verifies', () => {
      assert.ok(verifyConsistency(6, 6, [], tree.root(), tree.root()));
      assert.equal(verifyConsistency(6, 6, [tree.root()], tree.root(), tree.root()), false);
      assert.equal(verifyConsistency(6, 6, [], tree.root(), tree.root(5)), false);
      assert.equal(verifyConsistency(0, 0, [], tree.root(0), tree.root(0)), false);
      assert.equal(verifyConsistency(0, 6, [], tree.root(0), tree.root()), false);
      assert.deepEqual(rootFromConsistencyProof(5, 6, tree.consistencyProof(5, 6), tree.root(5)), tree.root(6));
    });
  });
});

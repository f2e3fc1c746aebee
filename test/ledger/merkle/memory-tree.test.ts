import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { withVectors } from '../../support/vectors.js';
import { leafData, twinTrees } from './fixtures.js';
import type { ReferenceVectors } from './fixtures.js';

const hex = (list: Uint8Array[]): string[] => list.map((b) => bytesToHex(b));

describe('ledger/merkle/memory-tree', () => {
  withVectors<ReferenceVectors>('rfc6962_merkle_reference.json', 'When the reference tree is built', (v) => {
    const build = (): MemoryTree => {
      const tree = new MemoryTree();
      tree.append(v.leafInputsHex.map((h) => hexToBytes(h)));
      return tree;
    };

    it('then the root after each append equals rootHashesBySize[n]', () => {
      const tree = new MemoryTree();
      assert.equal(bytesToHex(tree.root()), v.rootHashesBySize[0]);
      v.leafInputsHex.forEach((input, i) => {
        tree.append([hexToBytes(input)]);
        assert.equal(bytesToHex(tree.root()), v.rootHashesBySize[i + 1], `size ${i + 1}`);
      });
    });

    it('then every older root is served from stored nodes and equals the reference', () => {
      const tree = build();
      v.rootHashesBySize.forEach((want, n) => assert.equal(bytesToHex(tree.root(n)), want, `size ${n}`));
    });

    it('then the stored complete nodes equal nodeHashesByLevel', () => {
      const tree = build();
      v.nodeHashesByLevel.forEach((level, l) => {
        const ids = level.map((_, index) => ({ level: l, index }));
        assert.deepEqual(hex(tree.getNodes(ids)), level, `level ${l}`);
      });
    });

    it('then generated inclusion proofs are byte-identical to the reference ones', () => {
      const tree = build();
      for (const p of v.inclusionProofs) {
        assert.deepEqual(hex(tree.inclusionProof(p.leafIndex, p.treeSize)), p.proof, `${p.leafIndex}/${p.treeSize}`);
        assert.deepEqual(tree.leafHash(p.leafIndex), hashLeaf(hexToBytes(p.leafInputHex)));
      }
    });

    it('then generated consistency proofs are byte-identical to the reference ones', () => {
      const tree = build();
      for (const p of v.consistencyProofs) {
        assert.deepEqual(hex(tree.consistencyProof(p.size1, p.size2)), p.proof, `${p.size1} → ${p.size2}`);
      }
    });
  });

  describe('When checked against the naive RFC 6962 reference for random sizes', () => {
    const max = 3000;
    const { tree, naive } = twinTrees(max);
    const size = fc.integer({ min: 1, max });

    it('then roots at every size agree', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max }), (n) => {
          assert.deepEqual(tree.root(n), naive.mth(0, n));
        }),
        { numRuns: 300 },
      );
    });

    it('then inclusion proofs are identical to PATH and verify', () => {
      fc.assert(
        fc.property(size.chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))), ([m, n]) => {
          const proof = tree.inclusionProof(m, n);
          assert.deepEqual(proof, naive.path(m, 0, n));
          assert.ok(verifyInclusion(tree.leafHash(m), m, n, proof, naive.mth(0, n)));
        }),
        { numRuns: 300 },
      );
    });

    it('then consistency proofs are identical to PROOF and verify', () => {
      fc.assert(
        fc.property(size.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))), ([m, n]) => {
          const proof = tree.consistencyProof(m, n);
          assert.deepEqual(proof, naive.proof(m, n));
          assert.ok(verifyConsistency(m, n, proof, naive.mth(0, m), naive.mth(0, n)));
        }),
        { numRuns: 300 },
      );
    });

    it('then a tree built fresh at a random size with random batch sizes has the same root', () => {
      fc.assert(
        fc.property(size, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }), (n, cuts) => {
          const fresh = new MemoryTree();
          let next = 0;
          for (let c = 0; next < n; c++) {
            const count = Math.min(cuts[c % cuts.length] as number, n - next);
            fresh.append(Array.from({ length: count }, (_, k) => leafData(next + k)));
            next += count;
          }
          assert.equal(fresh.size, n);
          assert.deepEqual(fresh.root(), naive.mth(0, n));
        }),
        { numRuns: 8 },
      );
    });
  });

  describe('When the tree is misused', () => {
    const { tree } = twinTrees(10);
    it('then sizes beyond the tree throw RangeError naming the argument', () => {
      assert.throws(() => tree.root(11), { name: 'RangeError', message: /size/ });
      assert.throws(() => tree.inclusionProof(3, 11), { name: 'RangeError', message: /size/ });
      assert.throws(() => tree.inclusionProof(10, 10), { name: 'RangeError', message: /index/ });
      assert.throws(() => tree.consistencyProof(3, 11), { name: 'RangeError', message: /size2/ });
      assert.throws(() => tree.consistencyProof(4, 3), { name: 'RangeError', message: /size1/ });
      assert.throws(() => tree.consistencyProof(0, 3), { name: 'RangeError', message: /size1/ });
      assert.throws(() => tree.leafHash(10), { name: 'RangeError', message: /index/ });
      assert.throws(() => tree.getNodes([{ level: 1, index: 5 }]), { name: 'RangeError', message: /\(1, 5\)/ });
    });
    it('then bad inputs throw TypeError and leave the tree unchanged', () => {
      const root = tree.root();
      assert.throws(() => tree.append(['x' as unknown as Uint8Array]), { name: 'TypeError' });
      assert.throws(() => tree.appendLeafHashes([new Uint8Array(31)]), { name: 'RangeError', message: /leafHashes\[0\]/ });
      assert.throws(() => tree.root(2.5), { name: 'TypeError', message: /size/ });
      assert.equal(tree.size, 10);
      assert.deepEqual(tree.root(), root);
    });
    it('then returned hashes are copies that cannot corrupt the store', () => {
      const before = tree.root(1);
      tree.root(1).fill(0);
      tree.getNodes([{ level: 0, index: 0 }])[0]?.fill(0);
      tree.inclusionProof(0, 2)[0]?.fill(0);
      assert.deepEqual(tree.root(1), before);
      assert.deepEqual(tree.inclusionProof(0, 2), [tree.leafHash(1)]);
      const empty = new MemoryTree();
      empty.root().fill(1);
      assert.equal(bytesToHex(new MemoryTree().root()).slice(0, 8), 'e3b0c442');
    });
  });
});

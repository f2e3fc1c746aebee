// MemoryTree past 100,000 leaves: roots at several sizes against the naive recursive RFC 6962 MTH over the same
// leaf hashes, and a sample of proofs checked against PATH/PROOF and verified, with their node counts bounded.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { consistencyPlan, inclusionPlan } from '../../../ledger/merkle/proof-plan.js';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { leafData, leafHashes, syntheticLeafHashes } from './fixtures.js';
import { NaiveTree } from './naive-reference.js';

const total = 100_003;

describe('ledger/merkle/memory-tree (past 100,000 leaves)', function () {
  this.timeout(20_000);
  let tree: MemoryTree;
  let naive: NaiveTree;

  before(() => {
    const hashes = [...leafHashes(3), ...syntheticLeafHashes(total - 3, 3)];
    tree = new MemoryTree();
    tree.append([leafData(0), leafData(1), leafData(2)]); // entries (hashLeaf) and leaf hashes meet in one log
    for (let at = 3; at < total; at += 4093) {
      assert.equal(tree.appendLeafHashes(hashes.slice(at, Math.min(at + 4093, total))), at);
    }
    naive = new NaiveTree(hashes);
  });

  it('When 100,003 leaves are appended in batches, then the roots at several sizes equal the naive MTH', () => {
    assert.equal(tree.size, total);
    for (const n of [0, 1, 2, 3, 4097, 65_535, 65_536, 65_537, 99_999, 100_000, 100_001, total]) {
      assert.deepEqual(tree.root(n), naive.mth(0, n), `size ${n}`);
    }
  });

  const large = fc.integer({ min: 100_000, max: total });
  const anySize = fc.oneof(large, fc.integer({ min: 1, max: total }));

  it('When inclusion proofs are sampled, then they equal PATH, verify, and stay within 2·log2(n) nodes', () => {
    fc.assert(
      fc.property(anySize.chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))), ([m, n]) => {
        const proof = tree.inclusionProof(m, n);
        assert.deepEqual(proof, naive.path(m, 0, n));
        assert.ok(verifyInclusion(tree.leafHash(m), m, n, proof, tree.root(n)));
        const log = Math.ceil(Math.log2(n));
        assert.ok(proof.length <= log);
        assert.ok(inclusionPlan(m, n).ids.length <= 2 * log);
      }),
      { numRuns: 60 },
    );
  });

  it('When consistency proofs are sampled, then they equal PROOF, verify, and stay within 2·log2(n) nodes', () => {
    fc.assert(
      fc.property(anySize.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))), ([m, n]) => {
        const proof = tree.consistencyProof(m, n);
        assert.deepEqual(proof, naive.proof(m, n));
        assert.ok(verifyConsistency(m, n, proof, tree.root(m), tree.root(n)));
        const log = Math.ceil(Math.log2(n));
        assert.ok(proof.length <= log + 1);
        assert.ok(consistencyPlan(m, n).ids.length <= 2 * log);
      }),
      { numRuns: 60 },
    );
  });
});

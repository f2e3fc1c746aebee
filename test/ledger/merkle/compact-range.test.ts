import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  appendLeaves,
  edgeFromHashes,
  edgeIds,
  edgeRoot,
  emptyEdge,
} from '../../../ledger/merkle/compact-range.js';
import type { RightEdge, StoredNode } from '../../../ledger/merkle/compact-range.js';
import { EMPTY_ROOT } from '../../../ledger/merkle/hash.js';
import { leafHashes } from './fixtures.js';
import { NaiveTree } from './naive-reference.js';

const hashes = leafHashes(1500);
const naive = new NaiveTree(hashes);

function appendInBatches(cuts: number[], total: number): { edge: RightEdge; nodes: StoredNode[] } {
  let edge = emptyEdge();
  const nodes: StoredNode[] = [];
  for (let at = 0, c = 0; at < total; c++) {
    const count = Math.min(cuts[c % cuts.length] as number, total - at);
    const result = appendLeaves(edge, hashes.slice(at, at + count));
    edge = result.edge;
    nodes.push(...result.nodes);
    at += count;
  }
  return { edge, nodes };
}

describe('ledger/merkle/compact-range', () => {
  it('When leaves are appended in any batches, then exactly the complete nodes appear, each once, with MTH hashes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }), (n, cuts) => {
        const { edge, nodes } = appendInBatches(cuts, n);
        let expected = 0;
        for (let level = 0; 2 ** level <= n; level++) expected += Math.floor(n / 2 ** level);
        assert.equal(nodes.length, expected);
        const seen = new Set(nodes.map(({ id }) => `${id.level}:${id.index}`));
        assert.equal(seen.size, expected);
        for (const { id, hash } of nodes.filter((_, i) => i % 37 === 0)) {
          assert.deepEqual(hash, naive.mth(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level));
        }
        assert.equal(edge.size, n);
        assert.deepEqual(edgeRoot(edge), naive.mth(0, n));
        const byId = new Map(nodes.map(({ id, hash }) => [`${id.level}:${id.index}`, hash]));
        assert.deepEqual(edge.hashes, edgeIds(n).map((id) => byId.get(`${id.level}:${id.index}`)));
      }),
      { numRuns: 20 },
    );
  });

  it('When a node appears, then its children have appeared before it', () => {
    const { nodes } = appendInBatches([7], 100);
    const seen = new Set<string>();
    for (const { id } of nodes) {
      if (id.level > 0) {
        assert.ok(seen.has(`${id.level - 1}:${2 * id.index}`) && seen.has(`${id.level - 1}:${2 * id.index + 1}`));
      }
      seen.add(`${id.level}:${id.index}`);
    }
  });

  it('When an edge is reloaded from stored nodes, then appending continues as if it had never stopped', () => {
    const { edge: full } = appendInBatches([1000], 1000);
    const half = appendInBatches([1000], 613).edge;
    const reloaded = edgeFromHashes(613, [...half.hashes]);
    const continued = appendLeaves(reloaded, hashes.slice(613, 1000)).edge;
    assert.deepEqual(continued, full);
  });

  it('When leaves are appended, then the input edge and arrays are left untouched', () => {
    const before = appendInBatches([5], 5).edge;
    const snapshot = { size: before.size, hashes: [...before.hashes] };
    appendLeaves(before, hashes.slice(5, 9));
    assert.deepEqual(before, snapshot);
    assert.deepEqual(edgeRoot(emptyEdge()), EMPTY_ROOT);
  });

  // Every interior node is hashed exactly once, so appending n leaves costs n − popcount(n) node hashes: the node
  // count proves the amortised cost; the timing bound is only a tripwire for accidental quadratic work (the
  // machine is shared, so real throughput belongs in bench/).
  it('When 20,000 leaves are appended at once, then each interior node is hashed once and nothing is quadratic', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => hashes[i % hashes.length] as Uint8Array);
    const started = performance.now();
    const { edge, nodes } = appendLeaves(emptyEdge(), many);
    const elapsed = performance.now() - started;
    assert.equal(edge.size, 20_000);
    assert.equal(nodes.length, 2 * 20_000 - 5); // Σ ⌊n / 2^L⌋ = 2n − popcount(n), popcount(20,000) = 5
    assert.ok(elapsed < 2000, `${elapsed.toFixed(0)} ms`);
  });

  it('When the edge or the leaves are malformed, then TypeError or RangeError names the field', () => {
    const one = hashes[0] as Uint8Array;
    assert.throws(() => appendLeaves({ size: 3, hashes: [one] }, []), { name: 'RangeError', message: /edge\.hashes/ });
    assert.throws(() => appendLeaves({ size: -1, hashes: [] }, []), { name: 'RangeError', message: /edge\.size/ });
    assert.throws(() => appendLeaves(emptyEdge(), [one, new Uint8Array(33)]), {
      name: 'RangeError',
      message: /leafHashes\[1\]/,
    });
    assert.throws(() => appendLeaves(emptyEdge(), ['x' as unknown as Uint8Array]), {
      name: 'TypeError',
      message: /leafHashes\[0\]/,
    });
    assert.throws(() => appendLeaves(emptyEdge(), one as unknown as Uint8Array[]), { name: 'TypeError' });
    assert.throws(() => edgeFromHashes(2, []), { name: 'RangeError', message: /edge\.hashes/ });
    assert.throws(() => edgeIds(2.5), { name: 'TypeError', message: /size/ });
  });
});

// Appending to the log. The right edge — the perfect subtrees covering [0, size), largest first — is all the state
// an appender needs: each new leaf is pushed and merged with equal-sized neighbours, which costs one node hash per
// leaf amortised and reveals exactly the nodes that have just become complete, so a store can persist them.
// (The compact range [0, size) of transparency-dev/merkle's compact package.)
import { popCount, trailingZeros } from './bits.js';
import { HASH_SIZE, hashChildren } from './hash.js';
import type { NodeId } from './node-id.js';
import { rootFromHashes, rootPlan } from './root.js';

export interface RightEdge {
  /** Number of leaves covered. */
  size: number;
  /** Hashes of the perfect subtrees covering [0, size), largest first: one per set bit of size. */
  hashes: Uint8Array[];
}

export interface StoredNode {
  id: NodeId;
  hash: Uint8Array;
}

export interface AppendResult {
  /** The edge after the append; the input edge is left untouched. */
  edge: RightEdge;
  /** Every node that became complete, leaves included, children before parents. */
  nodes: StoredNode[];
}

/** The edge of the empty tree. */
export function emptyEdge(): RightEdge {
  return { size: 0, hashes: [] };
}

/** Which complete nodes form the edge of a tree of `size` leaves, largest first (to reload it from storage). */
export function edgeIds(size: number): NodeId[] {
  return rootPlan(size); // the same nodes: the edge is what the root folds
}

function requireEdge(edge: RightEdge): void {
  if (typeof edge !== 'object' || edge === null) throw new TypeError('edge must be a RightEdge');
  if (!Number.isSafeInteger(edge.size) || edge.size < 0) {
    throw new RangeError(`edge.size must be a non-negative safe integer, got ${String(edge.size)}`);
  }
  if (!Array.isArray(edge.hashes)) throw new TypeError('edge.hashes must be an array of Uint8Array');
  if (edge.hashes.length !== popCount(edge.size)) {
    throw new RangeError(`edge.hashes has ${edge.hashes.length} hashes, size ${edge.size} needs ${popCount(edge.size)}`);
  }
  requireHashes(edge.hashes, 'edge.hashes');
}

/** Every element is a 32-byte Uint8Array (the message is only built on failure: this runs once per leaf). */
function requireHashes(hashes: readonly unknown[], name: string): void {
  for (let i = 0; i < hashes.length; i++) {
    const hash = hashes[i];
    if (!(hash instanceof Uint8Array)) throw new TypeError(`${name}[${i}] must be a Uint8Array`);
    if (hash.length !== HASH_SIZE) throw new RangeError(`${name}[${i}] must be ${HASH_SIZE} bytes, got ${hash.length}`);
  }
}

/**
 * Appends leaf hashes (RFC 6962 §2.1 leaf hashes, see hashLeaf) to the edge. Pure: returns a new edge and the
 * newly complete nodes; the inputs are not modified. The given hash arrays are shared, not copied (this is the
 * hot path), so do not mutate them afterwards. Throws when the edge is malformed or a leaf hash is not 32 bytes.
 */
export function appendLeaves(edge: RightEdge, leafHashes: readonly Uint8Array[]): AppendResult {
  requireEdge(edge);
  if (!Array.isArray(leafHashes)) throw new TypeError('leafHashes must be an array of Uint8Array');
  requireHashes(leafHashes, 'leafHashes');
  if (!Number.isSafeInteger(edge.size + leafHashes.length)) throw new RangeError('leafHashes would overflow the log');

  const stack = edge.hashes.slice(); // one copy per batch; pushes and pops below are O(1)
  const nodes: StoredNode[] = [];
  let size = edge.size;
  for (const leaf of leafHashes) {
    nodes.push({ id: { level: 0, index: size }, hash: leaf });
    stack.push(leaf);
    size += 1;
    // Each trailing zero of the new size is a pair of equal perfect subtrees that now merge. RFC 6962 §2.1
    const merges = trailingZeros(size);
    for (let level = 1; level <= merges; level++) {
      const right = stack.pop() as Uint8Array;
      const left = stack.pop() as Uint8Array;
      const hash = hashChildren(left, right);
      stack.push(hash);
      nodes.push({ id: { level, index: size / 2 ** level - 1 }, hash });
    }
  }
  return { edge: { size, hashes: stack }, nodes };
}

/** MTH of the leaves the edge covers. RFC 6962 §2.1 */
export function edgeRoot(edge: RightEdge): Uint8Array {
  requireEdge(edge);
  return rootFromHashes(edge.hashes);
}

/** The edge of the tree of `size` leaves from the hashes of `edgeIds(size)` (same order). */
export function edgeFromHashes(size: number, hashes: readonly Uint8Array[]): RightEdge {
  const edge = { size, hashes: [...hashes] };
  requireEdge(edge);
  return edge;
}

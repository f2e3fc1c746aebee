// The tree head at any size from stored complete nodes: MTH(D[0:n]) is the right-to-left fold of the perfect
// subtrees that cover [0, n), largest first (RFC 6962 §2.1: k is the largest power of two below n, recursively).
// Those subtrees are complete at every size ≥ n, so an old tree head costs ⌈log2 n⌉ reads and never a rebuild.
import { EMPTY_ROOT, hashChildren } from './hash.js';
import { alignedRangeNodes } from './node-id.js';
import type { NodeId } from './node-id.js';

/** The complete nodes whose hashes give the root of the tree of `size` leaves, largest first. */
export function rootPlan(size: number): NodeId[] {
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new TypeError(`size must be an integer, got ${String(size)}`);
  }
  if (size < 0 || !Number.isSafeInteger(size)) {
    throw new RangeError(`size must be a non-negative safe integer, got ${String(size)}`);
  }
  return alignedRangeNodes(0, size);
}

/**
 * The root from the hashes of `rootPlan(size)` (same order): the empty root for none. RFC 6962 §2.1
 * Returns a fresh array the caller may keep or mutate.
 */
export function rootFromHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(hashes)) throw new TypeError('hashes must be an array of Uint8Array');
  hashes.forEach((hash, i) => {
    if (!(hash instanceof Uint8Array)) throw new TypeError(`hashes[${i}] must be a Uint8Array`);
  });
  const last = hashes[hashes.length - 1];
  if (last === undefined) return EMPTY_ROOT.slice();
  let root = last;
  for (let i = hashes.length - 2; i >= 0; i--) root = hashChildren(hashes[i] as Uint8Array, root);
  return root === last ? last.slice() : root;
}

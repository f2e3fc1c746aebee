// Addresses of nodes in the log's Merkle tree. Node (level L, index i) covers leaves [i·2^L, (i+1)·2^L); level 0
// holds the leaf hashes. A node is *complete* in a tree of size n when (i+1)·2^L ≤ n: its hash never changes again
// once the log has grown that far, which is why storage keeps exactly these nodes.
import { bitAt, bitLength, shiftLeft, shiftRight } from './bits.js';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Largest level a node can have while its coverage stays within safe integers. */
export const MAX_LEVEL = 53;

/** A node id; throws when level or index is not a valid non-negative integer. */
export function nodeId(level: number, index: number): NodeId {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
    throw new RangeError(`level must be an integer in [0, ${MAX_LEVEL}], got ${String(level)}`);
  }
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`index must be a non-negative safe integer, got ${String(index)}`);
  }
  return { level, index };
}

/** The node's sibling: the other child of its parent. */
export function sibling(id: NodeId): NodeId {
  return { level: id.level, index: id.index % 2 === 0 ? id.index + 1 : id.index - 1 };
}

/** The node's parent. */
export function parent(id: NodeId): NodeId {
  return { level: id.level + 1, index: Math.floor(id.index / 2) };
}

/** First leaf index covered by the node. */
export function coverageBegin(id: NodeId): number {
  return shiftLeft(id.index, id.level);
}

/** One past the last leaf index covered by the node. */
export function coverageEnd(id: NodeId): number {
  return shiftLeft(id.index + 1, id.level);
}

/** Whether the node is complete (all its leaves present) in a tree of `size` leaves. */
export function isComplete(id: NodeId, size: number): boolean {
  return coverageEnd(id) <= size;
}

/** Equality of two node ids. */
export function sameNode(a: NodeId, b: NodeId): boolean {
  return a.level === b.level && a.index === b.index;
}

/**
 * The perfect subtrees that cover leaves [begin, begin + count), largest first, for a `begin` that is a multiple
 * of the largest power of two not above `count` (true for 0, and for the right border next to a complete node).
 * These are the subtrees of RFC 6962 §2.1's recursive split of the range. Appends to `out` and returns it.
 */
export function alignedRangeNodes(begin: number, count: number, out: NodeId[] = []): NodeId[] {
  let position = begin;
  for (let level = bitLength(count) - 1; level >= 0; level--) {
    if (!bitAt(count, level)) continue;
    out.push({ level, index: shiftRight(position, level) });
    position += 2 ** level;
  }
  return out;
}

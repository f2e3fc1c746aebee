// Which stored nodes make up an inclusion or consistency proof — pure index arithmetic, no hashes (the
// transparency-dev/merkle proof.Nodes model). Storage fetches the hashes of `ids`; `assembleProof` folds the
// ephemeral node and returns the proof in RFC 9162 order.
import { bitLength, shiftRight, trailingZeros, xor } from './bits.js';
import { hashChildren } from './hash.js';
import { alignedRangeNodes, coverageBegin, coverageEnd, parent, sibling } from './node-id.js';
import type { NodeId } from './node-id.js';

export interface ProofPlan {
  /** Complete (stored) nodes whose hashes build the proof, in proof order. */
  readonly ids: NodeId[];
  /**
   * `ids[begin, end)` are the complete nodes under the ephemeral node — the right-border node that is not complete
   * at this tree size — lowest level first; they fold into one proof element. `begin === end` when there is none.
   */
  readonly begin: number;
  readonly end: number;
  /** The ephemeral node itself, or null when the proof has none. Informational: its hash is never stored. */
  readonly ephem: NodeId | null;
}

function requireSize(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer, got ${String(value)}`);
  }
  if (value < 0 || !Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/**
 * Nodes proving that node (level, index) is in the tree of `size` leaves, starting with that node itself
 * (callers drop it when the verifier already knows it). Requires index < ⌈size / 2^level⌉ and the node complete.
 * The path climbs to the `fork` node, where it leaves the tree's right border; the fork's sibling is the ephemeral
 * node, represented by the complete nodes covering [end of fork, size). RFC 9162 §2.1.3.1 PATH, §2.1.4.1 SUBPROOF.
 */
function nodesFor(index: number, level: number, size: number): ProofPlan {
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const fork: NodeId = { level: level + inner, index: shiftRight(index, inner) };
  const forkBegin = coverageBegin(fork);
  const forkEnd = coverageEnd(fork);

  let node: NodeId = { level, index };
  const ids: NodeId[] = [node];
  for (; node.level < fork.level; node = parent(node)) ids.push(sibling(node));

  const begin = ids.length;
  alignedRangeNodes(forkEnd, size - forkEnd, ids);
  const end = ids.length;
  reverseSlice(ids, begin, end); // lowest level first, the order in which they fold

  const left = alignedRangeNodes(0, forkBegin);
  for (let i = left.length - 1; i >= 0; i--) ids.push(left[i] as NodeId); // RFC 9162: lower levels first

  if (begin === end) return { ids, begin: 0, end: 0, ephem: null };
  return { ids, begin, end, ephem: sibling(fork) };
}

function reverseSlice(ids: NodeId[], from: number, to: number): void {
  for (let i = from, j = to - 1; i < j; i++, j--) {
    const a = ids[i] as NodeId;
    ids[i] = ids[j] as NodeId;
    ids[j] = a;
  }
}

function skipFirst(plan: ProofPlan): ProofPlan {
  const ids = plan.ids.slice(1);
  if (plan.begin === plan.end) return { ids, begin: 0, end: 0, ephem: plan.ephem };
  return { ids, begin: plan.begin - 1, end: plan.end - 1, ephem: plan.ephem };
}

/**
 * Plan of the inclusion proof for leaf `index` in the tree of `size` leaves. RFC 9162 §2.1.3.1
 * Preconditions: integers with 0 ≤ index < size ≤ 2^53 − 1 (TypeError / RangeError naming the argument otherwise).
 */
export function inclusionPlan(index: number, size: number): ProofPlan {
  requireSize(index, 'index');
  requireSize(size, 'size');
  if (index >= size) throw new RangeError(`index ${index} must be below size ${size}`);
  return skipFirst(nodesFor(index, 0, size));
}

/**
 * Plan of the consistency proof from the tree of `size1` leaves to the tree of `size2` leaves. RFC 9162 §2.1.4.1
 * Preconditions: integers with 0 < size1 ≤ size2 ≤ 2^53 − 1. A proof from the empty tree is meaningless, so
 * size1 = 0 is refused as transparency-dev/merkle does. size1 = size2 gives the empty proof.
 */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  requireSize(size1, 'size1');
  requireSize(size2, 'size2');
  if (size1 === 0) throw new RangeError('size1 must be at least 1: a consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new RangeError(`size1 ${size1} must not exceed size2 ${size2}`);
  if (size1 === size2) return { ids: [], begin: 0, end: 0, ephem: null };

  // The largest perfect subtree ending at size1 is the seed of the proof (RFC 9162 §2.1.4.1: SUBPROOF's b = true
  // case). When size1 is itself a power of two it is the old root, which the verifier already has.
  const level = trailingZeros(size1);
  const index = shiftRight(size1 - 1, level);
  const plan = nodesFor(index, level, size2);
  return index === 0 ? skipFirst(plan) : plan;
}

/**
 * The proof, in RFC 9162 order, from the hashes of `plan.ids` (same order): the ephemeral node's parts are folded
 * into one hash, right to left. Throws when the hashes do not match the plan in number or type.
 */
export function assembleProof(plan: ProofPlan, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (!Array.isArray(hashes)) throw new TypeError('hashes must be an array of Uint8Array');
  if (hashes.length !== plan.ids.length) {
    throw new RangeError(`hashes has ${hashes.length} elements, the plan needs ${plan.ids.length}`);
  }
  hashes.forEach((hash, i) => {
    if (!(hash instanceof Uint8Array)) throw new TypeError(`hashes[${i}] must be a Uint8Array`);
  });
  const proof: Uint8Array[] = [];
  for (let i = 0; i < hashes.length; i++) {
    let hash = hashes[i] as Uint8Array;
    if (i === plan.begin && plan.begin < plan.end) {
      for (i++; i < plan.end; i++) hash = hashChildren(hashes[i] as Uint8Array, hash);
      i--;
    }
    proof.push(hash);
  }
  return proof;
}

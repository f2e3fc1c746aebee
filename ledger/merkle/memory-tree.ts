// An in-memory Merkle log: a node store holding every complete subtree hash plus the right edge. It is built only
// from the pure pieces (appendLeaves, rootPlan, inclusionPlan, consistencyPlan, assembleProof), exactly as a
// persistent store would use them, so it doubles as their reference wiring. Used by tests, the memory ledger
// adapter and telemetry batch proofs.
import { appendLeaves, emptyEdge } from './compact-range.js';
import type { RightEdge } from './compact-range.js';
import { hashLeaf } from './hash.js';
import type { NodeId } from './node-id.js';
import { assembleProof, consistencyPlan, inclusionPlan } from './proof-plan.js';
import type { ProofPlan } from './proof-plan.js';
import { rootFromHashes, rootPlan } from './root.js';

export class MemoryTree {
  /** levels[L][i] is the hash of complete node (L, i). */
  readonly #levels: Uint8Array[][] = [];
  #edge: RightEdge = emptyEdge();

  /** Number of leaves. */
  get size(): number {
    return this.#edge.size;
  }

  /** Appends entries (hashed with hashLeaf, RFC 6962 §2.1); returns the index of the first one. */
  append(leafData: readonly Uint8Array[]): number {
    if (!Array.isArray(leafData)) throw new TypeError('leafData must be an array of Uint8Array');
    return this.appendLeafHashes(leafData.map((data) => hashLeaf(data)));
  }

  /** Appends leaf hashes; returns the index of the first one. */
  appendLeafHashes(leafHashes: readonly Uint8Array[]): number {
    const first = this.#edge.size;
    const { edge, nodes } = appendLeaves(this.#edge, leafHashes);
    for (const { id, hash } of nodes) {
      let level = this.#levels[id.level];
      if (level === undefined) {
        level = [];
        this.#levels[id.level] = level;
      }
      level[id.index] = hash; // nodes arrive in index order per level, so this is a push
    }
    this.#edge = edge;
    return first;
  }

  /** Hashes of stored complete nodes, in the order asked. Throws RangeError naming a node that is not stored. */
  getNodes(ids: readonly NodeId[]): Uint8Array[] {
    if (!Array.isArray(ids)) throw new TypeError('ids must be an array of NodeId');
    return ids.map((id) => {
      const hash = this.#levels[id.level]?.[id.index];
      if (hash === undefined) throw new RangeError(`node (${id.level}, ${id.index}) is not a complete node of this tree`);
      return hash.slice();
    });
  }

  /** The leaf hash at `index`. */
  leafHash(index: number): Uint8Array {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new TypeError(`index must be an integer, got ${String(index)}`);
    }
    if (index < 0 || index >= this.size) throw new RangeError(`index ${index} is outside [0, ${this.size})`);
    return this.getNodes([{ level: 0, index }])[0] as Uint8Array;
  }

  /** MTH of the first `size` leaves (default: all). RFC 6962 §2.1 */
  root(size: number = this.size): Uint8Array {
    this.#requireSize(size, 'size');
    return rootFromHashes(this.getNodes(rootPlan(size)));
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves (default: all), RFC 9162 order. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#requireSize(size, 'size');
    return this.#prove(inclusionPlan(index, size));
  }

  /** Consistency proof from the tree of `size1` leaves to that of `size2` (default: all), RFC 9162 order. */
  consistencyProof(size1: number, size2: number = this.size): Uint8Array[] {
    this.#requireSize(size2, 'size2');
    return this.#prove(consistencyPlan(size1, size2));
  }

  #prove(plan: ProofPlan): Uint8Array[] {
    return assembleProof(plan, this.getNodes(plan.ids));
  }

  #requireSize(size: number, name: string): void {
    if (typeof size !== 'number' || !Number.isInteger(size)) {
      throw new TypeError(`${name} must be an integer, got ${String(size)}`);
    }
    if (size > this.size) throw new RangeError(`${name} ${size} is beyond the tree size ${this.size}`);
  }
}

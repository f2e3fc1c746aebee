// Read side of the log for auditors: roots at any published size, inclusion and consistency proofs in RFC 9162
// order. Proof construction = pure plan (which nodes) → store reads (O(log n) of them) → pure assembly.
// Only published state is served: sizes beyond the latest signed checkpoint are out of range.
//
// Each answer costs one checkpoint read and one `nodes` call holding every hash it needs (leaf, proof, roots):
// the SQLite store answers that with one statement. The root at the published size is the signed checkpoint's,
// so it is never recomputed (a proof built from altered nodes then fails against the signed root, as it should).
import { LedgerError } from '../errors.js';
import { EMPTY_ROOT } from '../merkle/hash.js';
import type { NodeId } from '../merkle/node-id.js';
import { assembleProof, consistencyPlan, inclusionPlan } from '../merkle/proof-plan.js';
import { rootFromHashes, rootPlan } from '../merkle/root.js';
import type { CheckpointRecord, LedgerStore } from '../store/ledger-store.js';

export interface InclusionProof {
  readonly index: number;
  readonly size: number;
  readonly leafHash: Uint8Array;
  readonly rootHash: Uint8Array;
  readonly proof: Uint8Array[];
}

export interface ConsistencyProof {
  readonly first: number;
  readonly second: number;
  readonly firstRoot: Uint8Array;
  readonly secondRoot: Uint8Array;
  readonly proof: Uint8Array[];
}

/** Node ids of several parts read in one `nodes` call, and the hashes split back into those parts. */
class NodeReads {
  readonly #ids: NodeId[] = [];
  readonly #parts: [number, number][] = [];

  /** Adds a part; returns its position for `read`. */
  add(ids: readonly NodeId[]): number {
    this.#parts.push([this.#ids.length, this.#ids.length + ids.length]);
    this.#ids.push(...ids);
    return this.#parts.length - 1;
  }

  async read(store: LedgerStore): Promise<Uint8Array[][]> {
    const hashes = this.#ids.length === 0 ? [] : await store.nodes(this.#ids);
    return this.#parts.map(([from, to]) => hashes.slice(from, to));
  }
}

export class LogReader {
  constructor(private readonly store: LedgerStore) {}

  /** Size covered by the latest signed checkpoint (0 for an empty log). */
  async publishedSize(): Promise<number> {
    return (await this.store.latestCheckpoint())?.size ?? 0;
  }

  async rootAt(size: number): Promise<Uint8Array> {
    const latest = await this.#checkSize('size', size, 0);
    const reads = new NodeReads();
    const root = this.#planRoot(reads, size, latest);
    return root(await reads.read(this.store));
  }

  async inclusion(index: number, size: number): Promise<InclusionProof> {
    const latest = await this.#checkSize('size', size, 1);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `index must satisfy 0 ≤ index < size (${size}); got ${index}`, 'index');
    }
    const plan = inclusionPlan(index, size);
    const reads = new NodeReads();
    const leaf = reads.add([{ level: 0, index }]);
    const path = reads.add(plan.ids);
    const root = this.#planRoot(reads, size, latest);
    const parts = await reads.read(this.store);
    return { index, size, leafHash: parts[leaf]![0]!, rootHash: root(parts), proof: assembleProof(plan, parts[path]!) };
  }

  async consistency(first: number, second: number): Promise<ConsistencyProof> {
    const latest = await this.#checkSize('second', second, 0);
    // RFC 9162 §2.1.4.2: a consistency proof is defined from a non-empty tree (verifiers reject size1 = 0).
    if (!Number.isSafeInteger(first) || first < 1 || first > second) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `first must satisfy 1 ≤ first ≤ second (${second}); got ${first}`, 'first');
    }
    const plan = first === second ? undefined : consistencyPlan(first, second);
    const reads = new NodeReads();
    const path = reads.add(plan?.ids ?? []);
    const firstRoot = this.#planRoot(reads, first, latest);
    const secondRoot = this.#planRoot(reads, second, latest);
    const parts = await reads.read(this.store);
    const proof = plan === undefined ? [] : assembleProof(plan, parts[path]!);
    return { first, second, firstRoot: firstRoot(parts), secondRoot: secondRoot(parts), proof };
  }

  /**
   * How to get the root at a size already checked against the published size: the signed root when it is the
   * published size, else the fold of the nodes `rootPlan(size)` added to `reads`. Returns fresh arrays.
   */
  #planRoot(reads: NodeReads, size: number, latest: CheckpointRecord | undefined): (parts: Uint8Array[][]) => Uint8Array {
    if (size === 0) return () => EMPTY_ROOT.slice(); // a copy: callers may not corrupt the shared constant
    if (latest !== undefined && size === latest.size) return () => latest.rootHash.slice();
    const part = reads.add(rootPlan(size));
    return (parts) => rootFromHashes(parts[part]!);
  }

  /** Checks `size` against the latest checkpoint (read once per answer) and returns that checkpoint. */
  async #checkSize(field: string, size: number, min: number): Promise<CheckpointRecord | undefined> {
    const latest = await this.store.latestCheckpoint();
    const published = latest?.size ?? 0;
    if (!Number.isSafeInteger(size) || size < min || size > published) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `${field} must be between ${min} and the published size ${published}; got ${size}`, field);
    }
    return latest;
  }
}

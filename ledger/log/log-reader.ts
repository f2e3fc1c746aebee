// Read side of the log for auditors: roots at any published size, inclusion and consistency proofs in RFC 9162
// order. Proof construction = pure plan (which nodes) → store reads (O(log n) of them) → pure assembly.
// Only published state is served: sizes beyond the latest signed checkpoint are out of range.
import { LedgerError } from '../errors.js';
import { EMPTY_ROOT } from '../merkle/hash.js';
import { assembleProof, consistencyPlan, inclusionPlan } from '../merkle/proof-plan.js';
import { rootFromHashes, rootPlan } from '../merkle/root.js';
import type { LedgerStore } from '../store/ledger-store.js';

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

export class LogReader {
  constructor(private readonly store: LedgerStore) {}

  /** Size covered by the latest signed checkpoint (0 for an empty log). */
  async publishedSize(): Promise<number> {
    return (await this.store.latestCheckpoint())?.size ?? 0;
  }

  async rootAt(size: number): Promise<Uint8Array> {
    await this.#checkSize('size', size, 0);
    return this.#root(size);
  }

  /** Root at a size already checked against the published size. */
  async #root(size: number): Promise<Uint8Array> {
    if (size === 0) return EMPTY_ROOT.slice(); // a copy: callers may not corrupt the shared constant
    return rootFromHashes(await this.store.nodes(rootPlan(size)));
  }

  async inclusion(index: number, size: number): Promise<InclusionProof> {
    await this.#checkSize('size', size, 1);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `index must satisfy 0 ≤ index < size (${size}); got ${index}`, 'index');
    }
    const plan = inclusionPlan(index, size);
    const [leafHash] = await this.store.nodes([{ level: 0, index }]);
    const proof = assembleProof(plan, await this.store.nodes(plan.ids));
    return { index, size, leafHash: leafHash!, rootHash: await this.#root(size), proof };
  }

  async consistency(first: number, second: number): Promise<ConsistencyProof> {
    await this.#checkSize('second', second, 0);
    // RFC 9162 §2.1.4.2: a consistency proof is defined from a non-empty tree (verifiers reject size1 = 0).
    if (!Number.isSafeInteger(first) || first < 1 || first > second) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `first must satisfy 1 ≤ first ≤ second (${second}); got ${first}`, 'first');
    }
    const proof = first === second ? [] : await this.#consistencyNodes(first, second);
    return { first, second, firstRoot: await this.#root(first), secondRoot: await this.#root(second), proof };
  }

  async #consistencyNodes(first: number, second: number): Promise<Uint8Array[]> {
    const plan = consistencyPlan(first, second);
    return assembleProof(plan, await this.store.nodes(plan.ids));
  }

  async #checkSize(field: string, size: number, min: number): Promise<void> {
    const published = await this.publishedSize();
    if (!Number.isSafeInteger(size) || size < min || size > published) {
      throw new LedgerError('INDEX_OUT_OF_RANGE', `${field} must be between ${min} and the published size ${published}; got ${size}`, field);
    }
  }
}

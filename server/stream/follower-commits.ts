// A CommitSource that follows the log in PostgreSQL (PgFollower: LISTEN/NOTIFY plus polling) instead of the local
// CommitPipeline, so an API instance fans out every commit, whichever instance or sequencer made it. Each follower
// page becomes one CommittedBatch with what the pipeline would have reported for those entries: the entries, their
// events, and the checkpoint at the page's end (when a page ends inside a commit there is no checkpoint of that
// size; the batch then repeats the last one reported, which subscribers already skip as not newer).
//
// Listeners get batches in log order, each entry once, starting at the log size when the source started (like
// the pipeline, which reports only what it commits after a listener subscribed). A listener that throws does not
// stop the others or the follower.
import type { CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import { decodeEntry } from '../../ledger/entry/entry.js';
import type { EventRecord } from '../../ledger/store/ledger-store.js';
import type { PgFollower, Subscription } from '../../ledger/store/pg/pg-follower.js';
import type { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import type { CommitSource } from './attach-stream.js';

type Listener = (batch: CommittedBatch) => void;

export class FollowerCommitSource implements CommitSource {
  readonly #listeners = new Set<Listener>();
  #subscription: Subscription | undefined;
  /** First entry not yet reported. */
  #next = 0;
  #checkpoint: CommittedBatch['checkpoint'] = { size: 0, note: '' };

  private constructor(private readonly store: PgLedgerStore) {}

  /** Follow from the current end of the log. */
  static async start(store: PgLedgerStore, follower: PgFollower): Promise<FollowerCommitSource> {
    const source = new FollowerCommitSource(store);
    const latest = await store.latestCheckpoint();
    source.#next = latest?.size ?? 0;
    if (latest !== undefined) source.#checkpoint = { size: latest.size, note: latest.note };
    source.#subscription = follower.follow(source.#next, (events, next) => source.#page(events, next));
    return source;
  }

  /** Where the next batch starts (the first entry not yet reported). */
  get next(): number {
    return this.#next;
  }

  onCommit(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stop following; resolves once a page being reported has been. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#subscription?.stop();
  }

  /** The follower skips pages without events; the entries are read from where the last batch ended. */
  async #page(events: readonly EventRecord[], next: number): Promise<void> {
    const [entries, checkpoint] = await Promise.all([this.store.entries(this.#next, next), this.store.checkpointAt(next)]);
    if (checkpoint !== undefined) this.#checkpoint = { size: checkpoint.size, note: checkpoint.note };
    const batch: CommittedBatch = {
      entries: entries.map((r) => ({ index: r.index, entry: decodeEntry(r.leaf), txHash: r.txHash })),
      events,
      checkpoint: this.#checkpoint,
    };
    this.#next = next;
    for (const listener of this.#listeners) {
      try {
        listener(batch);
      } catch {
        // Like the pipeline: one listener's failure must not block the others; listeners log their own errors.
      }
    }
  }
}

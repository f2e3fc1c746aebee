// SQLite TelemetryStore whose writes run in a writer thread (sqlite-writer-worker.ts) on its own connection to the
// same WAL database file, so the event loop keeps taking messages while a group of readings becomes durable
// (better-sqlite3 is synchronous: in-thread, the WAL fsync of synchronous=FULL stops the loop for its duration).
// Reads run on this thread's connection, through the SQLite adapter (but for the anchorer's scan of unbatched
// leaves, served by the writer thread: sqlite-writer-worker.ts), and see every write whose promise resolved:
// a write resolves only after its transaction committed in the writer thread, and each read statement starts a
// fresh WAL snapshot. All writes (append, createBatch, markAnchored, putState) go through the one writer, in call
// order, so they never wait for each other's lock, and a caller may send the next before the previous resolved
// (writesInOrder). Records cross as their RFC 8785 texts, serialised on this thread (RecordRows). Everything else —
// the schema, deduplication, high-water marks, leaf hashes — is the SQLite adapter's own code, in whichever thread
// runs it.
//
// A writer thread that dies rejects the writes it held (the intake answers them with STORE_FAILED: not
// acknowledged, the device resends, the store deduplicates); the next write starts a new one.
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from '../../ledger/store/sqlite-database.js';
import type { SeqGap } from '../verify/sequence.js';
import { recordRows, SqliteTelemetryStore } from './sqlite-telemetry-store.js';
import { checkNice } from '../../ledger/threads/thread-priority.js';
import { RemoteError, Rpc } from '../../ledger/threads/rpc.js';
import { fromWire, unpackLeaves, type PackedBatch, type WriteCall, type WriteValue } from './sqlite-writer-protocol.js';
import type { WriterData } from './sqlite-writer-worker.js';
import type {
  AppendResult, BatchMessage, BatchRecord, NextBatch, ReadingPage, ReadingQuery, ReadingRecord, StoredReading, TelemetryStore,
} from './telemetry-store.js';

const WORKER_ENTRY = new URL('./sqlite-writer-worker.mjs', import.meta.url);

/** A running writer thread and the port to it. */
interface Writer {
  readonly worker: Worker;
  readonly rpc: Rpc;
}

/** The adapter's error as the in-thread adapter throws it (same class); anything else as it is. */
const rethrow = (e: unknown): never => {
  throw e instanceof RemoteError ? fromWire(e.wire) : e;
};

export class ThreadedSqliteTelemetryStore implements TelemetryStore {
  readonly writesInOrder = true;
  readonly #reads: SqliteTelemetryStore;
  readonly #file: string;
  readonly #nice: number;
  #writer: Promise<Writer> | undefined;
  /** Writes sent and not yet answered: while there are any, the writer thread keeps the process alive. */
  #inFlight = 0;
  #closing: Promise<void> | undefined;
  /** Writer threads started after one died (tests, diagnostics). */
  replacements = 0;

  private constructor(reads: SqliteTelemetryStore, file: string, nice: number) {
    this.#reads = reads;
    this.#file = file;
    this.#nice = nice;
  }

  /**
   * Pass the ledger's open database to share its file, or a path to open (and own) one. It must be a file: the
   * writer thread opens its own connection to it. Resolves once the writer thread is ready. `nice`: the writer
   * thread's nice value (Linux, 0..19; default 0, the caller's priority): a node lowers it so that its event loop
   * gets a core first (ledger/threads/thread-priority.ts).
   */
  static async open(dbOrFile: SqliteDatabase | string, opts: { readonly nice?: number } = {}): Promise<ThreadedSqliteTelemetryStore> {
    const nice = checkNice(opts.nice ?? 0);
    const file = typeof dbOrFile === 'string' ? dbOrFile : dbOrFile.name;
    if (file === ':memory:' || file === '' || (typeof dbOrFile !== 'string' && dbOrFile.memory)) {
      throw new TypeError('ThreadedSqliteTelemetryStore: needs a database file (a writer thread cannot share an in-memory database)');
    }
    const reads = new SqliteTelemetryStore(dbOrFile); // migrates the schema and fixes the instance id, on this thread
    const store = new ThreadedSqliteTelemetryStore(reads, file, nice);
    try {
      await store.#worker();
    } catch (e) {
      await reads.close();
      throw e;
    }
    return store;
  }

  #worker(): Promise<Writer> {
    this.#writer ??= this.#start();
    return this.#writer;
  }

  #start(): Promise<Writer> {
    const worker = new Worker(WORKER_ENTRY, { execArgv: [], workerData: { file: this.#file, nice: this.#nice } satisfies WriterData });
    const rpc = new Rpc(worker);
    const gone = (why: string): void => {
      rpc.fail(new Error(why)); // the writes it held fail: not acknowledged, the device resends
      this.#died(worker);
    };
    worker.on('error', (e) => gone(`the telemetry writer thread failed: ${e.message}`));
    worker.on('exit', (code) => gone(`the telemetry writer thread exited (code ${code})`));
    return rpc.call('ready').then(() => {
      worker.unref(); // an idle writer does not keep the process alive; one with writes in flight does
      return { worker, rpc };
    }, rethrow);
  }

  /** The writer is gone ('error' then 'exit', or 'exit' alone): the next write starts another. */
  #died(worker: Worker): void {
    const current = this.#writer;
    this.#writer = undefined;
    if (current !== undefined && this.#closing === undefined) void current.then((w) => w.worker === worker && this.replacements++, () => undefined);
  }

  async #call(call: WriteCall): Promise<WriteValue> {
    if (this.#closing !== undefined) throw new Error('the telemetry store is closed');
    const { worker, rpc } = await this.#worker();
    if (this.#closing !== undefined) throw new Error('the telemetry store is closed');
    if (this.#inFlight++ === 0) worker.ref();
    try {
      return await rpc.call<WriteValue>('write', call).catch(rethrow);
    } finally {
      if (--this.#inFlight === 0) worker.unref();
    }
  }

  /** Test hook: make the writer thread exit abruptly, as a crash would. */
  async crashWriter(): Promise<void> {
    (await this.#worker()).rpc.note('crash');
  }

  async append(records: readonly ReadingRecord[], messages: readonly BatchMessage[] = []): Promise<AppendResult[]> {
    return (await this.#call({ op: 'append', rows: recordRows(records), messages })) as AppendResult[]; // serialised here
  }

  async createBatch(batch: BatchRecord): Promise<void> {
    await this.#call({ op: 'createBatch', batch });
  }

  async markAnchored(batchId: string, anchor: { index: number; txHash: string }): Promise<void> {
    await this.#call({ op: 'markAnchored', batchId, anchor });
  }

  async putState(key: string, value: string | undefined): Promise<void> {
    await this.#call({ op: 'putState', key, value });
  }

  instanceId(): Promise<string> { return this.#reads.instanceId(); }
  highWater(device: string): Promise<number | undefined> { return this.#reads.highWater(device); }
  gaps(device: string, limit?: number): Promise<SeqGap[]> { return this.#reads.gaps(device, limit); }
  reading(id: number): Promise<StoredReading | undefined> { return this.#reads.reading(id); }
  readings(query: ReadingQuery): Promise<ReadingPage> { return this.#reads.readings(query); }
  latest(device: string, kind?: string): Promise<StoredReading | undefined> { return this.#reads.latest(device, kind); }
  message(digest: string): Promise<Uint8Array | undefined> { return this.#reads.message(digest); }
  segments(sha256: string): Promise<StoredReading[]> { return this.#reads.segments(sha256); }
  unbatched(limit: number): Promise<StoredReading[]> { return this.#reads.unbatched(limit); }
  /**
   * Served by the writer thread, whose recent-leaves cache is warm with the rows it just wrote (see
   * sqlite-writer-worker.ts), and which also hashes the batch's root: that work leaves the intake's thread.
   */
  async nextBatch(max: number): Promise<NextBatch | undefined> {
    const next = (await this.#call({ op: 'nextBatch', max })) as PackedBatch | undefined;
    return next === undefined ? undefined : { leaves: unpackLeaves(next.leaves), root: next.root, more: next.more };
  }

  batch(id: string): Promise<BatchRecord | undefined> { return this.#reads.batch(id); }
  unanchoredBatches(): Promise<BatchRecord[]> { return this.#reads.unanchoredBatches(); }
  batchReadings(batchId: string): Promise<StoredReading[]> { return this.#reads.batchReadings(batchId); }
  getState(key: string): Promise<string | undefined> { return this.#reads.getState(key); }

  /** Lets the writes in flight finish, closes the writer's connection and thread, then this thread's (if owned). */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const writer = this.#writer;
      if (writer !== undefined) {
        const w = await writer.catch(() => undefined);
        if (w !== undefined) {
          const exited = new Promise((r) => w.worker.once('exit', r));
          w.worker.ref();
          w.rpc.note('close'); // handled after every write sent before it
          await exited;
        }
      }
      await this.#reads.close();
    })();
    return this.#closing;
  }
}

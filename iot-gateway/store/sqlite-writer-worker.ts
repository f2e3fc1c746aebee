// The body of the telemetry store's writer thread (started by threaded-sqlite-telemetry-store.ts through
// sqlite-writer-worker.mjs): its own better-sqlite3 connection to the gateway's database file, opened by
// openSqlite (WAL, synchronous=FULL), running every write of the TelemetryStore port through the SQLite adapter
// itself. A write's answer is posted only after its transaction committed, i.e. after the WAL fsync: while
// SQLite waits for the disk here, the main thread keeps taking messages. It also serves the anchorer's scan of
// unbatched leaves: its page cache holds what it just wrote, whereas any other connection's cache is dropped each
// time this one commits (SQLite WAL: a reader discards its cache when the database changed under it). Requests are handled one at a time, in
// the order they were sent. { close: true } closes the connection and ends the thread; { crash: true } makes it
// exit abruptly, as a crashed thread would (tests of recovery).
import { parentPort, workerData } from 'node:worker_threads';
import { Rpc } from '../../ledger/threads/rpc.js';
import { setThreadNice } from '../../ledger/threads/thread-priority.js';
import { SqliteTelemetryStore } from './sqlite-telemetry-store.js';
import { packLeaves, type WriteCall, type WriteValue } from './sqlite-writer-protocol.js';

export interface WriterData {
  /** The database file (the main thread's connection has migrated it already). */
  readonly file: string;
  /** This thread's nice value (ledger/threads/thread-priority.ts); 0 leaves it at the parent's. */
  readonly nice: number;
}

async function run(store: SqliteTelemetryStore, req: WriteCall): Promise<WriteValue> {
  switch (req.op) {
    case 'append': return store.appendRows(req.rows, req.messages);
    case 'createBatch': return store.createBatch(req.batch);
    case 'markAnchored': return store.markAnchored(req.batchId, req.anchor);
    case 'putState': return store.putState(req.key, req.value);
    case 'nextBatch': {
      const next = await store.nextBatch(req.max);
      return next === undefined ? undefined : { leaves: packLeaves(next.leaves), root: next.root, more: next.more };
    }
  }
}

export function serve(): void {
  const port = parentPort;
  if (port === null) throw new Error('sqlite-writer-worker.ts must run in a worker thread');
  const rpc = new Rpc(port);
  const { file, nice } = workerData as WriterData;
  if (nice > 0) setThreadNice(nice);
  let opened: SqliteTelemetryStore | Error;
  try {
    opened = new SqliteTelemetryStore(file);
  } catch (e) {
    opened = e as Error;
  }
  const store = (): SqliteTelemetryStore => {
    if (opened instanceof Error) throw opened;
    return opened;
  };
  rpc.handle('ready', () => void store());
  // The adapter's writes are synchronous transactions: each has committed when its promise settles.
  rpc.handle<WriteCall>('write', (req) => run(store(), req));
  rpc.handle('close', async () => {
    if (!(opened instanceof Error)) await opened.close();
    port.close();
  });
  rpc.handle('crash', () => process.exit(70));
}

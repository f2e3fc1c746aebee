// ledger-append: how many entries per second the SQLite LedgerStore takes when each batch is integrated the way
// the commit pipeline does it: leaf hashes, Merkle nodes (appendLeaves), a checkpoint proven consistent with the
// previous one and signed (LogSigner.sign), and one commit(CommitBatch) in WAL mode with synchronous=FULL.
import { appendLeaves, emptyEdge, type RightEdge } from '../ledger/merkle/compact-range.js';
import { hashLeaf } from '../ledger/merkle/hash.js';
import type { EntryRecord } from '../ledger/store/ledger-store.js';
import { WAL_AUTOCHECKPOINT_BYTES } from '../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { benchLogSigner } from './bench-keys.js';
import { fmt, msSince, stopwatch, type BenchContext, type BenchResult, type Benchmark, type Table } from './benchmark.js';
import { median, summarize } from './stats.js';
import { syntheticEntries, type UnhashedEntry } from './synthetic-entries.js';
import { withTempDir } from './temp-dir.js';

const TARGET = 50_000;

/** Time spent per phase of one batch, in ms. */
interface Phases {
  hash: number;
  merkle: number;
  sign: number;
  commit: number;
}

interface RoundResult {
  readonly appendsPerSecond: number;
  /** CPU time / wall time over the timed spans. */
  readonly cpuShare: number;
  readonly batchMs: number[];
  readonly phases: Phases;
  readonly bytesPerEntry: number;
}

/**
 * One round: a fresh database, `batches` batches of `batchSize` entries taken from `pool` (entries 0, 1, … — the
 * same in every round, since every round starts empty). Only the integration work is timed.
 */
async function round(pool: readonly UnhashedEntry[], batchSize: number, batches: number, durable = true): Promise<RoundResult> {
  return withTempDir(async (tmp) => {
    const store = new SqliteLedgerStore(tmp.file('ledger.db'));
    if (!durable) store.db.pragma('synchronous = OFF'); // diagnostic variant only: how much of a commit is fsync
    const signer = benchLogSigner();
    let edge: RightEdge = emptyEdge();
    const batchMs: number[] = [];
    let cpuMs = 0;
    const phases: Phases = { hash: 0, merkle: 0, sign: 0, commit: 0 };
    try {
      for (let b = 0; b < batches; b++) {
        const input = pool.slice(edge.size, edge.size + batchSize); // arrives from the sequencer: not timed
        const watch = stopwatch();
        const t0 = process.hrtime.bigint();
        // The record built field by field, as the commit pipeline builds it (an object spread cost more than the hash).
        const entries: EntryRecord[] = input.map((e) => ({
          index: e.index, leaf: e.leaf, leafHash: hashLeaf(e.leaf), txHash: e.txHash, type: e.type, signer: e.signer, nonce: e.nonce,
        }));
        const t1 = process.hrtime.bigint();
        const appended = appendLeaves(edge, entries.map((e) => e.leafHash));
        const t2 = process.hrtime.bigint();
        const checkpoint = await signer.sign(store, edge.size, appended.edge, appended.nodes);
        const t3 = process.hrtime.bigint();
        await store.commit({ entries, nodes: appended.nodes, writes: [], events: [], checkpoint });
        const total = msSince(t0);
        cpuMs += watch().cpuMs;
        phases.hash += Number(t1 - t0) / 1e6;
        phases.merkle += Number(t2 - t1) / 1e6;
        phases.sign += Number(t3 - t2) / 1e6;
        phases.commit += msSince(t3);
        batchMs.push(total);
        edge = appended.edge;
      }
    } finally {
      await store.close();
    }
    const seconds = batchMs.reduce((a, b) => a + b, 0) / 1000;
    return { appendsPerSecond: (batchSize * batches) / seconds, cpuShare: cpuMs / (1000 * seconds), batchMs, phases, bytesPerEntry: tmp.bytes() / edge.size };
  });
}

interface Variant {
  readonly batchSize: number;
  readonly batches: number;
  /** false: synchronous=OFF, a diagnostic that shows the fsync share; never the ledger's setting. */
  readonly durable: boolean;
}

function variants(ctx: BenchContext): Variant[] {
  if (ctx.mode === 'quick') return [{ batchSize: 1000, batches: 10, durable: true }];
  return [
    { batchSize: 1000, batches: 40, durable: true },
    { batchSize: 100, batches: 100, durable: true },
    { batchSize: 10_000, batches: 4, durable: true },
    { batchSize: 1000, batches: 40, durable: false },
  ];
}

function share(p: Phases): string {
  const total = p.hash + p.merkle + p.sign + p.commit;
  const pct = (x: number): string => `${Math.round((100 * x) / total)} %`;
  return `${pct(p.hash)} / ${pct(p.merkle)} / ${pct(p.sign)} / ${pct(p.commit)}`;
}

/** Where a batch of 1,000 spends its time, per entry, and what the fsync diagnostic says. */
function notes(r: RoundResult, rate: number, nonDurableRate: number | undefined): string[] {
  const entries = 1000 * r.batchMs.length;
  const us = (ms: number): string => fmt.num((1000 * ms) / entries, 1);
  const lines = [
    `Per entry at batches of 1,000 (median round): leaf hash ${us(r.phases.hash)} µs (SHA-256 of ~340 bytes, OpenSSL through \`node:crypto\`), `
      + `Merkle nodes ${us(r.phases.merkle)} µs, checkpoint ${us(r.phases.sign)} µs (${fmt.num(r.phases.sign / r.batchMs.length, 2)} ms per batch: `
      + `consistency proof + Ed25519 note signature, OpenSSL as the server signs), SQLite commit ${us(r.phases.commit)} µs. `
      + `The target needs ≤ ${fmt.num(1e6 / TARGET, 0)} µs per entry in total.`,
  ];
  if (nonDurableRate !== undefined) {
    lines.push(`With fsync off (synchronous=OFF, diagnostic only) the same batches reach ${fmt.int(nonDurableRate)} appends/s (${fmt.ratio(nonDurableRate / rate)}): `
      + 'the rest of the commit cost is inserting rows into `entries` (a unique index on (signer, nonce), and the index on the first 8 bytes '
      + 'of the 32-byte tx hash with its duplicate probe) and `nodes`.');
  }
  lines.push(`SQLite copies the WAL back into the database file every ~${fmt.int(WAL_AUTOCHECKPOINT_BYTES / 2 ** 20)} MiB of WAL (\`WAL_AUTOCHECKPOINT_BYTES\`); `
    + 'a default round (40 batches of 1,000) writes more than that, so its batch times include one such checkpoint (and its fsync of the database file), '
    + 'about as often as a long-running ledger pays one.');
  return lines;
}

export const ledgerAppend: Benchmark = {
  name: 'ledger-append',
  title: 'Ledger appends into the SQLite LedgerStore',
  target: `≥ ${fmt.int(TARGET)} appends/s (batches of 1,000)`,
  async run(ctx) {
    const rows: string[][] = [];
    let verdictRate = 0;
    let verdictRound: RoundResult | undefined;
    let nonDurableRate: number | undefined;
    const all = variants(ctx);
    const pool = syntheticEntries(0, Math.max(...all.map((v) => v.batchSize * v.batches)));
    await round(pool, 1000, ctx.mode === 'quick' ? 2 : 5); // warm-up: JIT, page cache; not reported
    for (const v of all) {
      const results: RoundResult[] = [];
      for (let r = 0; r < ctx.rounds; r++) {
        results.push(await round(pool, v.batchSize, v.batches, v.durable));
        ctx.log(`ledger-append: batch ${v.batchSize}${v.durable ? '' : ' (synchronous=OFF)'}, round ${r + 1}/${ctx.rounds}: ${fmt.int(results.at(-1)!.appendsPerSecond)} appends/s`);
      }
      const rates = results.map((x) => x.appendsPerSecond);
      const batch = summarize(results.flatMap((x) => x.batchMs));
      const mid = results.find((x) => x.appendsPerSecond === median(rates)) ?? results[Math.floor(results.length / 2)]!;
      const rate = median(rates);
      if (v.batchSize === 1000 && v.durable) {
        verdictRate = rate;
        verdictRound = mid;
      }
      if (!v.durable) nonDurableRate = rate;
      rows.push([
        v.durable ? fmt.int(v.batchSize) : `${fmt.int(v.batchSize)}, synchronous=OFF (diagnostic, not the ledger's setting)`, fmt.int(v.batchSize * v.batches), String(ctx.rounds), fmt.int(rate),
        `${fmt.int(Math.min(...rates))}–${fmt.int(Math.max(...rates))}`, fmt.ratio(rate / TARGET),
        fmt.ms(batch.p50), fmt.ms(batch.p99), share(mid.phases), fmt.num(median(results.map((x) => x.cpuShare)), 2), fmt.int(mid.bytesPerEntry),
      ]);
    }
    const table: Table = {
      head: ['batch size', 'appends per round', 'rounds', 'median appends/s', 'min–max', 'vs target', 'batch p50 ms', 'batch p99 ms',
        'hash / merkle / sign / commit', 'CPU/wall', 'DB bytes per entry'],
      rows,
    };
    const result: BenchResult = {
      what: 'Entries appended per second into `SqliteLedgerStore` (a new file in a temporary directory, opened as `openSqlite` opens it: '
        + '8 KiB pages, WAL, `synchronous=FULL`), '
        + 'each batch doing what the commit pipeline does after admission: RFC 6962 leaf hashes (`hashLeaf`), the newly complete '
        + 'Merkle nodes (`appendLeaves`), a checkpoint proven consistent with the previous one and signed (`LogSigner.sign` '
        + 'with `signFast`, as `server/system.ts` configures it; Ed25519 C2SP note), and one `commit(CommitBatch)` transaction holding entries, nodes and checkpoint.',
      how: 'Entries are synthetic ~300-byte RFC 8785 entry documents with a real SHA-256 tx hash, built before the clock starts. '
        + 'The clock covers hashing, Merkle, signing and the commit of each batch; throughput = entries / summed batch time. '
        + `Each round starts from an empty database; one warm-up round is discarded; ${ctx.rounds} rounds per batch size, median reported. `
        + 'The phase split is the share of batch time in leaf hashing / Merkle nodes / checkpoint signing (incl. its consistency proof) / SQLite commit, for the median round. '
        + 'CPU/wall is this process\'s CPU time over the timed spans divided by their wall time: below 1 it waited for fsync or for a core.',
      tables: [table],
      measured: `median ${fmt.int(verdictRate)} appends/s at batches of 1,000 (${fmt.ratio(verdictRate / TARGET)} the target)`,
      verdict: verdictRate >= TARGET ? 'PASS' : 'MISS',
      notes: notes(verdictRound!, verdictRate, nonDurableRate),
    };
    return result;
  },
};

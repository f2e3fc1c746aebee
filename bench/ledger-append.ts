// ledger-append: how many entries per second the SQLite LedgerStore takes when each batch is integrated the way
// the commit pipeline does it: leaf hashes, Merkle nodes (appendLeaves), a checkpoint proven consistent with the
// previous one and signed (LogSigner.sign), and one commit(CommitBatch) in WAL mode with synchronous=FULL.
import { appendLeaves, emptyEdge, type RightEdge } from '../ledger/merkle/compact-range.js';
import { hashLeaf } from '../ledger/merkle/hash.js';
import { LogSigner } from '../ledger/pipeline/log-signer.js';
import type { EntryRecord } from '../ledger/store/ledger-store.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { fmt, msSince, type BenchContext, type BenchResult, type Benchmark, type Table } from './benchmark.js';
import { median, summarize } from './stats.js';
import { syntheticEntries } from './synthetic-entries.js';
import { withTempDir } from './temp-dir.js';
import { BENCH_ORIGIN, benchSeed } from './bench-keys.js';

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
  readonly batchMs: number[];
  readonly phases: Phases;
  readonly bytesPerEntry: number;
}

/** One round: a fresh database, `batches` batches of `batchSize` entries. Only the integration work is timed. */
async function round(batchSize: number, batches: number): Promise<RoundResult> {
  return withTempDir(async (tmp) => {
    const store = new SqliteLedgerStore(tmp.file('ledger.db'));
    const signer = new LogSigner(BENCH_ORIGIN, benchSeed('log'));
    let edge: RightEdge = emptyEdge();
    const batchMs: number[] = [];
    const phases: Phases = { hash: 0, merkle: 0, sign: 0, commit: 0 };
    try {
      for (let b = 0; b < batches; b++) {
        const input = syntheticEntries(edge.size, batchSize); // arrives from the sequencer: not timed
        const t0 = process.hrtime.bigint();
        const entries: EntryRecord[] = input.map((e) => ({ ...e, leafHash: hashLeaf(e.leaf) }));
        const t1 = process.hrtime.bigint();
        const appended = appendLeaves(edge, entries.map((e) => e.leafHash));
        const t2 = process.hrtime.bigint();
        const checkpoint = await signer.sign(store, edge.size, appended.edge, appended.nodes);
        const t3 = process.hrtime.bigint();
        await store.commit({ entries, nodes: appended.nodes, writes: [], events: [], checkpoint });
        const total = msSince(t0);
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
    return { appendsPerSecond: (batchSize * batches) / seconds, batchMs, phases, bytesPerEntry: tmp.bytes() / edge.size };
  });
}

interface Variant {
  readonly batchSize: number;
  readonly batches: number;
}

function variants(ctx: BenchContext): Variant[] {
  if (ctx.mode === 'quick') return [{ batchSize: 1000, batches: 10 }];
  return [
    { batchSize: 1000, batches: 50 },
    { batchSize: 100, batches: 200 },
    { batchSize: 10_000, batches: 10 },
  ];
}

function share(p: Phases): string {
  const total = p.hash + p.merkle + p.sign + p.commit;
  const pct = (x: number): string => `${Math.round((100 * x) / total)} %`;
  return `${pct(p.hash)} / ${pct(p.merkle)} / ${pct(p.sign)} / ${pct(p.commit)}`;
}

export const ledgerAppend: Benchmark = {
  name: 'ledger-append',
  title: 'Ledger appends into the SQLite LedgerStore',
  target: `≥ ${fmt.int(TARGET)} appends/s (batches of 1,000)`,
  async run(ctx) {
    const rows: string[][] = [];
    let verdictRate = 0;
    let phaseNote = '';
    await round(1000, ctx.mode === 'quick' ? 2 : 5); // warm-up: JIT, page cache; not reported
    for (const v of variants(ctx)) {
      const results: RoundResult[] = [];
      for (let r = 0; r < ctx.rounds; r++) {
        results.push(await round(v.batchSize, v.batches));
        ctx.log(`ledger-append: batch ${v.batchSize}, round ${r + 1}/${ctx.rounds}: ${fmt.int(results.at(-1)!.appendsPerSecond)} appends/s`);
      }
      const rates = results.map((x) => x.appendsPerSecond);
      const batch = summarize(results.flatMap((x) => x.batchMs));
      const mid = results.find((x) => x.appendsPerSecond === median(rates)) ?? results[Math.floor(results.length / 2)]!;
      const rate = median(rates);
      if (v.batchSize === 1000) {
        verdictRate = rate;
        phaseNote = share(mid.phases);
      }
      rows.push([
        fmt.int(v.batchSize), fmt.int(v.batchSize * v.batches), String(ctx.rounds), fmt.int(rate),
        `${fmt.int(Math.min(...rates))}–${fmt.int(Math.max(...rates))}`, fmt.ratio(rate / TARGET),
        fmt.ms(batch.p50), fmt.ms(batch.p99), share(mid.phases), fmt.int(mid.bytesPerEntry),
      ]);
    }
    const table: Table = {
      head: ['batch size', 'appends per round', 'rounds', 'median appends/s', 'min–max', 'vs target', 'batch p50 ms', 'batch p99 ms',
        'hash / merkle / sign / commit', 'DB bytes per entry'],
      rows,
    };
    const result: BenchResult = {
      what: 'Entries appended per second into `SqliteLedgerStore` (a file in a temporary directory, WAL, `synchronous=FULL`), '
        + 'each batch doing what the commit pipeline does after admission: RFC 6962 leaf hashes (`hashLeaf`), the newly complete '
        + 'Merkle nodes (`appendLeaves`), a checkpoint proven consistent with the previous one and signed (`LogSigner.sign`, '
        + 'Ed25519 C2SP note), and one `commit(CommitBatch)` transaction holding entries, nodes and checkpoint.',
      how: 'Entries are synthetic ~300-byte RFC 8785 entry documents with a real SHA-256 tx hash, built before the clock starts. '
        + 'The clock covers hashing, Merkle, signing and the commit of each batch; throughput = entries / summed batch time. '
        + `Each round starts from an empty database; one warm-up round is discarded; ${ctx.rounds} rounds per batch size, median reported. `
        + 'The phase split is the share of batch time in leaf hashing / Merkle nodes / checkpoint signing (incl. its consistency proof) / SQLite commit, for the median round.',
      tables: [table],
      measured: `median ${fmt.int(verdictRate)} appends/s at batches of 1,000 (${fmt.ratio(verdictRate / TARGET)} the target)`,
      verdict: verdictRate >= TARGET ? 'PASS' : 'MISS',
      notes: [`At batches of 1,000 the time splits hash / merkle / sign / commit as ${phaseNote}.`],
    };
    return result;
  },
};

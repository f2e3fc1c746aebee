// pipeline-tx: committed transactions per second through CommitPipeline.submit — envelope check, signature
// verification, contract application, Merkle append, signed checkpoint and the SQLite commit — for a
// pre-signed pledge-lifecycle mix submitted concurrently so that batches fill.
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { fmt, stopwatch, type BenchContext, type Benchmark, type Table } from './benchmark.js';
import { openBenchLedger, STATE_REFS_INDEX, type BenchLedger } from './bench-ledger.js';
import { callsOf, diffCounts, msOf, snapshot, totalMs } from './counting-store.js';
import { cpuProfile, type ProfileShare } from './cpu-profile.js';
import { lifecyclePlan, runPlan, STAGES } from './lifecycle-plan.js';
import { median, summarize } from './stats.js';
import { withTempDir } from './temp-dir.js';

/** The statement the store runs for every state write (sqlite-ledger-store.ts `deleteRefs`). */
const DELETE_REFS = 'DELETE FROM state_refs WHERE kind = ? AND id = ?';

/** SQLite's query plan for DELETE_REFS on the shipped schema, e.g. "SCAN state_refs". */
async function deleteRefsPlan(): Promise<string> {
  return withTempDir(async (tmp) => {
    const store = new SqliteLedgerStore(tmp.file('plan.db'));
    try {
      const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${DELETE_REFS}`).all('receipt', 'rc-1') as { detail: string }[];
      return rows.map((r) => r.detail).join('; ');
    } finally {
      await store.close();
    }
  });
}

const TARGET = 5000;

/** Where a round's wall time went, by timers around the injected verifier and the store (ms). */
interface Split {
  readonly total: number;
  readonly verify: number;
  readonly commit: number;
  readonly lookups: number;
}

interface RoundResult {
  readonly startSize: number;
  readonly txs: number;
  readonly rate: number;
  /** CPU time / wall time of the round. */
  readonly cpuShare: number;
  readonly split: Split;
  readonly batches: number[];
  readonly verifiesPerSig: number;
  readonly usPerVerify: number;
  readonly lookupsPerTx: { indexOfTx: number; txOfNonce: number; getState: number };
}

async function round(ledger: BenchLedger, chains: number, tag: string): Promise<RoundResult> {
  const startSize = ledger.pipeline.size;
  const plan = lifecyclePlan({ chains, startIndex: startSize, tag, cast: ledger.cast }); // clients sign: not timed
  const batches: number[] = [];
  const off = ledger.pipeline.onCommit((b) => batches.push(b.entries.length));
  const counts = snapshot(ledger.storeCounts);
  const verifies = { ...ledger.verifications };
  const watch = stopwatch();
  const seconds = await runPlan(ledger.pipeline, plan, startSize);
  const elapsed = watch();
  off();
  const used = diffCounts(ledger.storeCounts, counts);
  const n = plan.txs.length;
  const commit = msOf(used, 'commit');
  const split = { total: seconds * 1000, verify: ledger.verifications.ms - verifies.ms, commit, lookups: totalMs(used) - commit };
  return {
    startSize, txs: n, rate: n / seconds, cpuShare: elapsed.cpuMs / elapsed.wallMs, split, batches,
    verifiesPerSig: (ledger.verifications.count - verifies.count) / plan.signatures,
    usPerVerify: (1000 * split.verify) / (ledger.verifications.count - verifies.count),
    lookupsPerTx: { indexOfTx: callsOf(used, 'indexOfTx') / n, txOfNonce: callsOf(used, 'txOfNonce') / n, getState: callsOf(used, 'getState') / n },
  };
}

/** Warm-up, then `rounds` timed rounds on one growing ledger. */
async function series(ctx: BenchContext, chains: number, label: string, prepare?: (l: BenchLedger) => void): Promise<RoundResult[]> {
  return withTempDir(async (tmp) => {
    const ledger = await openBenchLedger(tmp.file('ledger.db'));
    try {
      prepare?.(ledger);
      await round(ledger, Math.ceil(chains / 4), `${label}-warm`);
      const results: RoundResult[] = [];
      for (let r = 0; r < ctx.rounds; r++) {
        results.push(await round(ledger, chains, `${label}-${r}`));
        ctx.log(`pipeline-tx (${label}): round ${r + 1}/${ctx.rounds}: ${fmt.int(results.at(-1)!.rate)} tx/s`);
      }
      return results;
    } finally {
      await ledger.close();
    }
  });
}

interface Profiled {
  readonly rate: number;
  readonly shares: ProfileShare[];
  readonly txs: number;
}

/** One more round on a fresh ledger under the CPU profiler (slower than the timed rounds; only the shares are used). */
async function profiledRound(chains: number, prepare?: (l: BenchLedger) => void): Promise<Profiled> {
  return withTempDir(async (tmp) => {
    const ledger = await openBenchLedger(tmp.file('ledger.db'));
    try {
      prepare?.(ledger);
      await round(ledger, Math.ceil(chains / 4), 'prof-warm');
      const startSize = ledger.pipeline.size;
      const plan = lifecyclePlan({ chains, startIndex: startSize, tag: 'prof', cast: ledger.cast });
      const p = await cpuProfile(() => runPlan(ledger.pipeline, plan, startSize));
      return { rate: plan.txs.length / p.value, shares: p.shares, txs: plan.txs.length };
    } finally {
      await ledger.close();
    }
  });
}

/** SQLite commit time per committed tx in a round, µs. */
function commitUs(r: RoundResult): number {
  return (1000 * r.split.commit) / r.txs;
}

/** "A → B µs" from the first to the last round. */
function commitTrend(results: readonly RoundResult[]): string {
  return `${fmt.int(commitUs(results[0]!))} → ${fmt.int(commitUs(results[results.length - 1]!))} µs`;
}

function roundsTable(title: string, results: readonly RoundResult[]): Table {
  return {
    title,
    head: ['round', 'ledger size at start', 'tx', 'committed tx/s', 'CPU/wall', 'SQLite commit µs per tx', 'batches', 'batch size median (min–max)'],
    rows: results.map((r, i) => {
      const b = summarize(r.batches);
      return [
        String(i + 1), fmt.int(r.startSize), fmt.int(r.txs), fmt.int(r.rate), fmt.num(r.cpuShare, 2), fmt.int(commitUs(r)), String(r.batches.length),
        `${fmt.int(b.median)} (${fmt.int(b.min)}–${fmt.int(b.max)})`,
      ];
    }),
  };
}

function splitTable(rows: readonly (readonly [string, readonly RoundResult[]])[]): Table {
  const cell = (results: readonly RoundResult[], part: (s: Split) => number): string => {
    const mid = [...results].sort((a, b) => a.rate - b.rate)[results.length >> 1]!;
    return `${fmt.num((100 * part(mid.split)) / mid.split.total)} % (${fmt.int((1000 * part(mid.split)) / mid.txs)} µs)`;
  };
  return {
    title: 'Where the wall time goes, by timers in the timed rounds (median round; share of wall time, µs per committed tx)',
    head: ['schema', 'Ed25519 verify (FastVerifier)', 'SQLite commit (one tx per batch, fsync)', 'SQLite lookups (dedup, nonce, state, nodes)', 'everything else (JS on the event loop)'],
    rows: rows.map(([label, results]) => [
      label, cell(results, (s) => s.verify), cell(results, (s) => s.commit), cell(results, (s) => s.lookups),
      cell(results, (s) => s.total - s.verify - s.commit - s.lookups),
    ]),
  };
}

function profileTable(profiles: readonly (readonly [string, Profiled])[]): Table {
  const categories = [...new Set(profiles.flatMap(([, p]) => p.shares.filter((s) => s.share >= 0.005).map((s) => s.category)))];
  const share = (p: Profiled, c: string): number => p.shares.find((s) => s.category === c)?.share ?? 0;
  categories.sort((a, b) => share(profiles[0]![1], b) - share(profiles[0]![1], a));
  return {
    title: `Finer split from CPU profiles (one extra round of ${fmt.int(profiles[0]![1].txs)} tx on a fresh ledger each; `
      + `${profiles.map(([l, p]) => `${l} ${fmt.int(p.rate)} tx/s`).join(', ')} under the profiler, which slows native calls: read the shares)`,
    head: ['category — paid for by', ...profiles.map(([l]) => `share, ${l}`)],
    rows: categories.map((c) => [c, ...profiles.map(([, p]) => `${fmt.num(100 * share(p, c))} %`)]),
  };
}

export const pipelineTx: Benchmark = {
  name: 'pipeline-tx',
  title: 'Committed pledge-lifecycle transactions through CommitPipeline',
  target: `≥ ${fmt.int(TARGET)} committed tx/s on 2 cores`,
  async run(ctx) {
    const chains = ctx.mode === 'quick' ? 100 : 500;
    const shipped = await series(ctx, chains, 'shipped');
    const whatIf = ctx.mode === 'quick' ? undefined : await series(ctx, chains, 'what-if', (l) => l.store.db.exec(STATE_REFS_INDEX.create));
    ctx.log('pipeline-tx: profiling');
    const profiles: [string, Profiled][] = [['shipped', await profiledRound(chains)]];
    if (ctx.mode !== 'quick') profiles.push(['with index', await profiledRound(chains, (l) => l.store.db.exec(STATE_REFS_INDEX.create))]);
    const rate = median(shipped.map((r) => r.rate));
    const allBatches = summarize(shipped.flatMap((r) => r.batches));
    const first = shipped[0]!;
    const mix = [...new Set(STAGES)].map((t) => `${t} ${Math.round((100 * STAGES.filter((s) => s === t).length) / STAGES.length)} %`).join(', ');
    const tables: Table[] = [roundsTable('Shipped schema (the verdict)', shipped)];
    if (whatIf !== undefined) tables.push(roundsTable(`What-if: the same with \`${STATE_REFS_INDEX.create}\` added (not the shipped schema)`, whatIf));
    tables.push(splitTable(whatIf === undefined ? [['shipped', shipped]] : [['shipped', shipped], ['what-if index', whatIf]]));
    tables.push(profileTable(profiles));
    const notes = [
      `Batches observed over the timed rounds: ${allBatches.count} batches, size median ${fmt.int(allBatches.median)}, `
        + `min ${fmt.int(allBatches.min)}, max ${fmt.int(allBatches.max)} (the pipeline's maxBatch is 512; the smaller ones are the tail of a round).`,
      `Per committed tx the pipeline made ${fmt.num(first.lookupsPerTx.indexOfTx, 2)} \`indexOfTx\`, ${fmt.num(first.lookupsPerTx.txOfNonce, 2)} \`txOfNonce\` `
        + `and ${fmt.num(first.lookupsPerTx.getState, 2)} \`getState\` store calls, and ${fmt.num(first.verifiesPerSig, 3)} Ed25519 verifications per signature `
        + `(${fmt.int(first.usPerVerify)} µs each)${first.verifiesPerSig > 1.0005 ? '; above 1 means some signatures were verified again after a state miss' : ''}.`,
    ];
    const plan = await deleteRefsPlan();
    if (plan.includes('SCAN')) {
      notes.push(`Every state write runs \`${DELETE_REFS}\`; SQLite's plan for it on the shipped schema is \`${plan}\` (the primary key of `
        + '`state_refs` starts with `ref`), so each write reads the whole table and the commit cost grows with the ledger: '
        + `SQLite commit time per tx went ${commitTrend(shipped)} from the first to the last round.`);
    }
    if (whatIf !== undefined) {
      const w = median(whatIf.map((r) => r.rate));
      notes.push(`With the what-if index the median is ${fmt.int(w)} tx/s (${fmt.ratio(w / rate)} the shipped schema in this run) and the commit `
        + `time per tx went ${commitTrend(whatIf)} over the same rounds; what remains is the split in the "with index" rows.`);
    }
    return {
      what: 'Committed transactions per second through `CommitPipeline.submit` on a SQLite ledger composed as the server composes it '
        + '(`FastVerifier` signature checks, contract application with the contracts\' ajv schemas, Merkle append, checkpoint signed by '
        + '`LogSigner`, one SQLite transaction per batch, WAL + `synchronous=FULL`). The clock covers everything from the first '
        + '`submit` (which runs the envelope check and tx hash) to the last commit.',
      how: `Workload: six-step pledge lifecycles (${STAGES.join(' → ')}), staggered so each batch mixes all steps: ${mix}. `
        + `A ledger with genesis and 80 registered parties (8 warehouses, 64 holders, 8 banks); every round is ${fmt.int(chains * 6)} transactions `
        + 'pre-signed before the clock starts (signing is the clients\' cost), submitted in order with up to 4,096 in flight so that '
        + 'batches fill (pipeline defaults: maxBatch 512, maxQueue 10,000). Every result is checked to land at the index the plan '
        + `predicted. One untimed warm-up round, then ${ctx.rounds} timed rounds on the same, growing ledger; the median is the verdict. `
        + 'CPU/wall is the process\'s CPU time over the round\'s wall time (the pipeline runs on one thread; below 1 it waited for fsync or for a core). '
        + 'Transactions are handed to `submit` as parsed objects: HTTP and strict JSON parsing are not included.',
      tables,
      measured: `median ${fmt.int(rate)} committed tx/s (${fmt.ratio(rate / TARGET)} the target)`,
      verdict: rate >= TARGET ? 'PASS' : 'MISS',
      notes,
    };
  },
};

// pipeline-tx: committed transactions per second through CommitPipeline.submit — envelope check, signature
// verification, contract application, Merkle append, signed checkpoint and the SQLite commit — for a
// pre-signed pledge-lifecycle mix submitted concurrently so that batches fill. The verdict runs with the
// worker-thread verification pool, as the server does; the same workload verified in-thread is the control.
import { defaultPoolSize, VerifyPool } from '../ledger/crypto/verify-pool.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { fmt, stopwatch, type BenchContext, type Benchmark, type Table } from './benchmark.js';
import { openBenchLedger, type BenchLedger } from './bench-ledger.js';
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
  /** Signatures verified in the pool's workers, per signature. */
  readonly pooledPerSig: number;
  readonly lookupsPerTx: { indexOfTx: number; txOfNonce: number; getState: number };
  /** `findCommitted` calls (one per planned batch: the batch's idempotency and nonce lookups). */
  readonly findCommitted: number;
}

async function round(ledger: BenchLedger, chains: number, tag: string, pool?: VerifyPool): Promise<RoundResult> {
  const startSize = ledger.pipeline.size;
  const plan = lifecyclePlan({ chains, startIndex: startSize, tag, cast: ledger.cast }); // clients sign: not timed
  const batches: number[] = [];
  const off = ledger.pipeline.onCommit((b) => batches.push(b.entries.length));
  const counts = snapshot(ledger.storeCounts);
  const verifies = { ...ledger.verifications };
  const pooled = pool?.verified ?? 0;
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
    usPerVerify: (1000 * split.verify) / Math.max(1, ledger.verifications.count - verifies.count),
    pooledPerSig: ((pool?.verified ?? 0) - pooled) / plan.signatures,
    lookupsPerTx: { indexOfTx: callsOf(used, 'indexOfTx') / n, txOfNonce: callsOf(used, 'txOfNonce') / n, getState: callsOf(used, 'getState') / n },
    findCommitted: callsOf(used, 'findCommitted'),
  };
}

/** A started pool (workers up), or none for the in-thread control. */
async function startPool(withPool: boolean): Promise<VerifyPool | undefined> {
  if (!withPool) return undefined;
  const pool = new VerifyPool();
  for (let i = 0; i < 400 && !pool.ready; i++) await new Promise((r) => setTimeout(r, 25));
  if (!pool.ready) throw new Error('the verification pool did not start within 10 s');
  return pool;
}

/** Warm-up, then `rounds` timed rounds on one growing ledger. */
async function series(ctx: BenchContext, chains: number, label: string, withPool: boolean): Promise<RoundResult[]> {
  return withTempDir(async (tmp) => {
    const pool = await startPool(withPool);
    const ledger = await openBenchLedger(tmp.file('ledger.db'), undefined, pool);
    try {
      await round(ledger, Math.ceil(chains / 4), `${label}-warm`, pool);
      const results: RoundResult[] = [];
      for (let r = 0; r < ctx.rounds; r++) {
        results.push(await round(ledger, chains, `${label}-${r}`, pool));
        ctx.log(`pipeline-tx (${label}): round ${r + 1}/${ctx.rounds}: ${fmt.int(results.at(-1)!.rate)} tx/s`);
      }
      return results;
    } finally {
      await ledger.close();
      await pool?.close();
    }
  });
}

interface Profiled {
  readonly rate: number;
  readonly shares: ProfileShare[];
  readonly txs: number;
}

/** One more round on a fresh ledger under the CPU profiler (slower than the timed rounds; only the shares are used). */
async function profiledRound(chains: number, withPool: boolean): Promise<Profiled> {
  return withTempDir(async (tmp) => {
    const pool = await startPool(withPool);
    const ledger = await openBenchLedger(tmp.file('ledger.db'), undefined, pool);
    try {
      await round(ledger, Math.ceil(chains / 4), 'prof-warm', pool);
      const startSize = ledger.pipeline.size;
      const plan = lifecyclePlan({ chains, startIndex: startSize, tag: 'prof', cast: ledger.cast });
      const p = await cpuProfile(() => runPlan(ledger.pipeline, plan, startSize));
      return { rate: plan.txs.length / p.value, shares: p.shares, txs: plan.txs.length };
    } finally {
      await ledger.close();
      await pool?.close();
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
    head: ['verification', 'Ed25519 verify in-thread (FastVerifier)', 'SQLite commit (one tx per batch, fsync)', 'SQLite lookups (dedup, nonce, state, nodes)', 'everything else (JS on the event loop)'],
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
    const pooled = await series(ctx, chains, 'pool', true);
    const inThread = await series(ctx, chains, 'in-thread', false);
    ctx.log('pipeline-tx: profiling');
    const profiles: [string, Profiled][] = [['pool', await profiledRound(chains, true)]];
    if (ctx.mode !== 'quick') profiles.push(['in-thread', await profiledRound(chains, false)]);
    const rate = median(pooled.map((r) => r.rate));
    const control = median(inThread.map((r) => r.rate));
    const allBatches = summarize(pooled.flatMap((r) => r.batches));
    const first = pooled[0]!;
    const mix = [...new Set(STAGES)].map((t) => `${t} ${Math.round((100 * STAGES.filter((s) => s === t).length) / STAGES.length)} %`).join(', ');
    const tables: Table[] = [
      roundsTable(`With the verification pool (${defaultPoolSize()} worker thread${defaultPoolSize() === 1 ? '' : 's'}, as \`startNode\` runs it): the verdict`, pooled),
      roundsTable('Control: the same, signatures verified in-thread (no pool)', inThread),
      splitTable([['pool', pooled], ['in-thread', inThread]]),
      profileTable(profiles),
    ];
    const notes = [
      `With the pool the median is ${fmt.int(rate)} tx/s against ${fmt.int(control)} tx/s verified in-thread in the same run (${fmt.ratio(rate / control)}).`,
      `Batches observed over the timed rounds: ${allBatches.count} batches, size median ${fmt.int(allBatches.median)}, `
        + `min ${fmt.int(allBatches.min)}, max ${fmt.int(allBatches.max)} (the pipeline's maxBatch is 512; the smaller ones are the tail of a round).`,
      `Per committed tx the pipeline made ${fmt.num(first.lookupsPerTx.indexOfTx, 2)} \`indexOfTx\`, ${fmt.num(first.lookupsPerTx.txOfNonce, 2)} \`txOfNonce\` `
        + `and ${fmt.num(first.lookupsPerTx.getState, 2)} \`getState\` store calls; the tx-hash and nonce lookups of a whole batch are one \`findCommitted\` `
        + `call (${first.findCommitted} in the first round's ${first.batches.length} batches). Per signature, ${fmt.num(first.pooledPerSig, 3)} verifications ran in the pool and `
        + `${fmt.num(first.verifiesPerSig, 3)} in-thread (admission re-verifies in-thread only when the signer's key as of the entry's index differs from the key `
        + 'known at submit, or the signer was not yet in the sequencer\'s state cache, or the pool failed).',
    ];
    const busy = median(pooled.map((r) => r.cpuShare));
    if (busy < 0.9) {
      notes.push(`**This run does not measure the pool.** CPU/wall with the pool was ${fmt.num(busy, 2)} (median): the process got less than one `
        + 'of the two cores it needs (the pool\'s gain is verification on the second core while the sequencer commits), so both series '
        + 'measure the other work on the machine. Rerun on an idle machine.');
    }
    const plan = await deleteRefsPlan();
    if (plan.includes('SCAN')) {
      notes.push(`Every state write runs \`${DELETE_REFS}\`; SQLite's plan for it on the shipped schema is \`${plan}\`, so each write reads the `
        + `whole table and the commit cost grows with the ledger: SQLite commit time per tx went ${commitTrend(pooled)} from the first to the last round.`);
    }
    return {
      what: 'Committed transactions per second through `CommitPipeline.submit` on a SQLite ledger composed as the server composes it '
        + '(signatures verified at submit in the `VerifyPool` worker threads against the signer\'s known key and checked again at admission '
        + 'against the key as of the entry\'s index, `FastVerifier` in-thread as the fallback; contract application with the contracts\' ajv '
        + 'schemas, Merkle append, checkpoint signed by `LogSigner`, one SQLite transaction per batch, WAL + `synchronous=FULL`). The clock '
        + 'covers everything from the first `submit` (envelope check, the canonical form and tx hash, handing the signatures to the pool) to the last commit.',
      how: `Workload: six-step pledge lifecycles (${STAGES.join(' → ')}), staggered so each batch mixes all steps: ${mix}. `
        + `A ledger with genesis and 80 registered parties (8 warehouses, 64 holders, 8 banks); every round is ${fmt.int(chains * 6)} transactions `
        + 'pre-signed before the clock starts (signing is the clients\' cost), submitted in order with up to 4,096 in flight so that '
        + 'batches fill (pipeline defaults: maxBatch 512, maxQueue 10,000). Every result is checked to land at the index the plan '
        + `predicted. One untimed warm-up round, then ${ctx.rounds} timed rounds on the same, growing ledger; the median is the verdict. `
        + 'The pool is started (workers up) before the ledger opens. CPU/wall is the process\'s CPU time, all threads, over the round\'s wall '
        + 'time: up to 2 with the pool on this machine; below 1 in-thread means it waited for fsync or for a core. The "Ed25519 verify" timer '
        + 'covers in-thread verifications only. Transactions are handed to `submit` as parsed objects: HTTP and strict JSON parsing are not included.',
      tables,
      measured: `median ${fmt.int(rate)} committed tx/s (${fmt.ratio(rate / TARGET)} the target; in-thread control ${fmt.int(control)} tx/s)`,
      verdict: rate >= TARGET ? 'PASS' : 'MISS',
      notes,
    };
  },
};

// auditor-replay: how fast `auditLedger` (what `ledgerhouse verify-ledger` runs) replays a real log from a data
// directory: every entry decoded and checked canonical, every signature verified against the key of the time,
// every contract re-applied, every stored node and checkpoint recomputed, the projections compared at the end.
import { auditLedger, type AuditReport } from '../ledger/auditor/verify-ledger.js';
import { storeSource } from '../ledger/auditor/store-source.js';
import { type Ed25519Engine, FastVerifier, defaultEngine } from '../ledger/crypto/ed25519-node.js';
import { VerifyPool } from '../ledger/crypto/verify-pool.js';
import { openSqlite } from '../ledger/store/sqlite-database.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { contractServices } from '../server/system.js';
import { fmt, secondsSince, stopwatch, type BenchContext, type Benchmark, type Table } from './benchmark.js';
import { openBenchLedger, STATE_REFS_INDEX } from './bench-ledger.js';
import { callsOf, countingStore, totalMs, type ReadCounts } from './counting-store.js';
import { cpuProfile } from './cpu-profile.js';
import { lifecyclePlan, runPlan, STAGES } from './lifecycle-plan.js';
import { median } from './stats.js';
import { withTempDir } from './temp-dir.js';

const TARGET = 10_000;
const CHAINS_PER_ROUND = 600;

interface BuiltLog {
  readonly size: number;
  readonly checkpoints: number;
  readonly seconds: number;
  readonly logKey: string;
}

/** Build the log through the real commit pipeline: genesis, 80 parties, then pledge lifecycles. */
async function buildLog(file: string, chains: number, ctx: BenchContext): Promise<BuiltLog> {
  const t0 = process.hrtime.bigint();
  const ledger = await openBenchLedger(file);
  ledger.store.db.exec(STATE_REFS_INDEX.create); // set-up speed only; dropped below, the replay sees the shipped schema
  let checkpoints = 0;
  ledger.pipeline.onCommit(() => checkpoints++);
  try {
    for (let done = 0, r = 0; done < chains; done += CHAINS_PER_ROUND, r++) {
      const n = Math.min(CHAINS_PER_ROUND, chains - done);
      const start = ledger.pipeline.size;
      await runPlan(ledger.pipeline, lifecyclePlan({ chains: n, startIndex: start, tag: `a${r}`, cast: ledger.cast }), start);
      ctx.log(`auditor-replay: log has ${fmt.int(ledger.pipeline.size)} entries`);
    }
    return { size: ledger.pipeline.size, checkpoints, seconds: secondsSince(t0), logKey: ledger.signer.verifierKey };
  } finally {
    await ledger.pipeline.close();
    ledger.store.db.exec(STATE_REFS_INDEX.drop);
    await ledger.close();
  }
}

interface Replay {
  readonly report: AuditReport;
  readonly seconds: number;
  /** CPU time / wall time of the replay. */
  readonly cpuShare: number;
  /** Milliseconds in signature verification and in store calls (timers), and the store calls made. */
  readonly verifyMs: number;
  readonly verifications: number;
  readonly store: ReadCounts;
}

/**
 * One audit: a fresh FastVerifier, the contracts' key services, the store as source; with `pool`, as the CLI runs it
 * (each page's signatures verified in worker threads while the next page replays, but for the share the replay
 * thread verifies itself so as not to wait for them; the timers then see that share and any fallback checks).
 */
async function audit(store: LedgerStore, logKey: string, pool?: VerifyPool, engine: Ed25519Engine = pool?.engine ?? defaultEngine()): Promise<Replay> {
  const verifier = new FastVerifier({ engine });
  const counting = countingStore(store);
  let verifyMs = 0;
  let verifications = 0;
  const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array): boolean => {
    const t = process.hrtime.bigint();
    const ok = verifier.verify(s, m, k);
    verifyMs += Number(process.hrtime.bigint() - t) / 1e6;
    verifications++;
    return ok;
  };
  const watch = stopwatch();
  const report = await auditLedger(storeSource(counting.store), { logKey, verify, services: contractServices(), ...(pool === undefined ? {} : { pool }) });
  const elapsed = watch();
  return { report, seconds: elapsed.wallMs / 1000, cpuShare: elapsed.cpuMs / elapsed.wallMs, verifyMs, verifications, store: counting.counts };
}

function checked(report: AuditReport, size: number): AuditReport {
  if (!report.ok || report.size !== size) {
    throw new Error(`audit of the benchmark log failed: ${report.finding?.what ?? `size ${report.size}, expected ${size}`}`);
  }
  return report;
}

export const auditorReplay: Benchmark = {
  name: 'auditor-replay',
  title: 'Auditor replay (`verify-ledger`) of a real signed log',
  target: `≥ ${fmt.int(TARGET)} signed entries/s`,
  async run(ctx) {
    const chains = ctx.mode === 'quick' ? 320 : 2000;
    return withTempDir(async (tmp) => {
      const file = tmp.file('ledger.db');
      const log = await buildLog(file, chains, ctx);
      const store = new SqliteLedgerStore(openSqlite(file)); // as `verify-ledger --data-dir` opens it
      const pool = new VerifyPool(); // as `verify-ledger` runs
      // The same, with OpenSSL as the Ed25519 engine everywhere: the control for the engine choice (libsodium.ts).
      const opensslPool = pool.engine === 'openssl' ? undefined : new VerifyPool({ engine: 'openssl' });
      try {
        const warm = checked((await audit(store, log.logKey)).report, log.size);
        checked((await audit(store, log.logKey, pool)).report, log.size);
        if (opensslPool !== undefined) checked((await audit(store, log.logKey, opensslPool)).report, log.size);
        // Alternate in-thread and pooled replays so all series see the same machine.
        const replays: Replay[] = [];
        const pooled: Replay[] = [];
        const opensslPooled: Replay[] = [];
        for (let r = 0; r < ctx.rounds; r++) {
          const replay = await audit(store, log.logKey);
          checked(replay.report, log.size);
          replays.push(replay);
          const withPool = await audit(store, log.logKey, pool);
          checked(withPool.report, log.size);
          pooled.push(withPool);
          if (opensslPool !== undefined) {
            const control = await audit(store, log.logKey, opensslPool);
            checked(control.report, log.size);
            opensslPooled.push(control);
          }
          ctx.log(`auditor-replay: round ${r + 1}/${ctx.rounds}: ${fmt.int(log.size / replay.seconds)} entries/s in-thread, `
            + `${fmt.int(log.size / withPool.seconds)} with the pool (${pool.size} worker${pool.size === 1 ? '' : 's'}, ${pool.engine})`
            + (opensslPooled.length > r ? `, ${fmt.int(log.size / opensslPooled[r]!.seconds)} with the pool on openssl` : ''));
        }
        const profiled = await cpuProfile(() => audit(store, log.logKey));
        checked(profiled.value.report, log.size);
        const rates = replays.map((x) => log.size / x.seconds);
        const poolRates = pooled.map((x) => log.size / x.seconds);
        const opensslRates = opensslPooled.map((x) => log.size / x.seconds);
        const rate = median(poolRates);
        const inThread = median(rates);
        const mid = [...replays].sort((a, b) => b.seconds - a.seconds)[replays.length >> 1]!;
        const row = (label: string, series: readonly number[], runs: readonly Replay[]): string[] => [
          label, fmt.int(log.size), fmt.int(warm.checkpointsVerified), fmt.int(warm.objectsCompared), String(ctx.rounds), fmt.int(median(series)),
          `${fmt.int(Math.min(...series))}–${fmt.int(Math.max(...series))}`, fmt.ratio(median(series) / TARGET),
          fmt.num(median(runs.map((x) => x.cpuShare)), 2), fmt.s(log.seconds),
        ];
        const results: Table = {
          head: ['signatures', 'entries', 'checkpoints verified', 'state objects compared', 'rounds', 'median entries/s', 'min–max', 'vs target', 'CPU/wall', 'log build (pipeline) s'],
          rows: [
            row(`worker pool (${pool.size} thread${pool.size === 1 ? '' : 's'}, ${pool.engine}, as the CLI runs)`, poolRates, pooled),
            row(`in the replay thread (${pool.engine}; control)`, rates, replays),
            ...(opensslPooled.length === 0 ? [] : [row('worker pool, OpenSSL engine (control for the engine)', opensslRates, opensslPooled)]),
          ],
        };
        const perEntry = (ms: number): string => `${fmt.num((100 * ms) / (1000 * mid.seconds))} % (${fmt.int((1000 * ms) / log.size)} µs)`;
        const storeMs = totalMs(mid.store);
        const split: Table = {
          title: 'Where the wall time goes, by timers (median in-thread replay; share of wall time, µs per entry)',
          head: ['Ed25519 verify (FastVerifier)', 'SQLite reads (entries, checkpoints, nodes, projections)', 'everything else (JS)'],
          rows: [[perEntry(mid.verifyMs), perEntry(storeMs), perEntry(1000 * mid.seconds - mid.verifyMs - storeMs)]],
        };
        const profile: Table = {
          title: `Finer split from a CPU profile of one extra in-thread replay (${fmt.int(log.size / profiled.value.seconds)} entries/s under the profiler; `
            + 'the profiler slows native calls, so read the shares, not the milliseconds)',
          head: ['share', 'ms (profiled)', 'category — paid for by'],
          rows: profiled.shares.filter((s) => s.share >= 0.005).map((s) => [`${fmt.num(100 * s.share)} %`, fmt.int(s.ms), s.category]),
        };
        const c = (m: 'entries' | 'checkpointsIn' | 'nodes' | 'queryState'): string => fmt.int(callsOf(mid.store, m));
        return {
          what: '`auditLedger` over `storeSource(SqliteLedgerStore)`, as `ledgerhouse verify-ledger --data-dir` runs it: every entry read, '
            + 'decoded strictly and checked canonical, its leaf hash recomputed, its signatures verified (`FastVerifier`) against the '
            + 'signer\'s key as of that index, its contract re-applied; every stored Merkle node compared with the recomputed one; every '
            + 'checkpoint note verified and compared with the recomputed root; finally every state projection compared with the replayed state.',
          how: 'The log is produced through the real commit pipeline (SQLite file in a temporary directory, WAL + `synchronous=FULL`): '
            + `genesis, 80 party registrations, then ${fmt.int(chains)} pre-signed six-step pledge lifecycles (${STAGES.join(' → ')}). `
            + 'To keep the set-up bounded the build adds an index on `state_refs (kind, id)` (see `pipeline-tx`) and drops it before '
            + 'the replay, which never reads that table. The database is reopened as the CLI opens it. One untimed warm-up replay, then '
            + `${ctx.rounds} timed rounds, each an in-thread replay and a replay with the verification pool (as \`verify-ledger\` runs), `
            + 'alternating so both see the same machine; each must report ok and the full size. The pooled median is the verdict. '
            + 'CPU/wall is the process\'s CPU time (all threads) over the replay\'s wall time: in-thread it is at most 1, below 1 it waited '
            + 'for a core; with the pool above 1 means the workers ran beside the replay.',
          tables: [results, split, profile],
          measured: `median ${fmt.int(rate)} entries/s over ${fmt.int(log.size)} entries with the verification pool on ${pool.engine} (${fmt.ratio(rate / TARGET)} the target; in-thread ${fmt.int(inThread)}`
            + (opensslRates.length === 0 ? ')' : `; pool on OpenSSL ${fmt.int(median(opensslRates))}, libsodium ${fmt.ratio(rate / median(opensslRates))} of it)`),
          verdict: rate >= TARGET ? 'PASS' : 'MISS',
          notes: [
            `Store calls per replay of ${fmt.int(log.size)} entries: ${c('entries')} \`entries\` pages, ${c('checkpointsIn')} \`checkpointsIn\` `
              + `reads (the auditor asks for a checkpoint at every size; \`storeSource\` reads them ${fmt.int(1024)} sizes at a time), ${c('nodes')} \`nodes\` calls reading ${fmt.int(mid.store.nodes)} node hashes, ${c('queryState')} \`queryState\` pages. `
              + `${fmt.num(mid.verifications / log.size, 2)} signature verifications per entry, ${fmt.int((1000 * mid.verifyMs) / mid.verifications)} µs each (median replay).`,
            `With the pool the replay thread verified ${fmt.num((100 * median(pooled.map((x) => x.verifications))) / (mid.verifications || 1))} % of the signatures itself `
              + '(median over the pooled replays): each page is split so that the replay thread, after its own work on the page, and the '
              + 'worker finish together (`ledger/crypto/share.ts`), instead of the replay thread waiting for the worker.',
          ],
        };
      } finally {
        await pool.close();
        await opensslPool?.close();
        store.db.close(); // the store does not own a database it was given
      }
    });
  },
};

// auditor-replay: how fast `auditLedger` (what `ledgerhouse verify-ledger` runs) replays a real log from a data
// directory: every entry decoded and checked canonical, every signature verified against the key of the time,
// every contract re-applied, every stored node and checkpoint recomputed, the projections compared at the end.
import { auditLedger, type AuditReport } from '../ledger/auditor/verify-ledger.js';
import { storeSource } from '../ledger/auditor/store-source.js';
import { FastVerifier } from '../ledger/crypto/ed25519-node.js';
import { openSqlite } from '../ledger/store/sqlite-database.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { contractServices } from '../server/system.js';
import { fmt, secondsSince, type BenchContext, type Benchmark, type Table } from './benchmark.js';
import { openBenchLedger } from './bench-ledger.js';
import { callsOf, countingStore } from './counting-store.js';
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
    await ledger.close();
  }
}

/** One audit as the CLI runs it: a fresh FastVerifier, the contracts' key services, the store as source. */
async function audit(store: LedgerStore, logKey: string): Promise<{ report: AuditReport; seconds: number }> {
  const verifier = new FastVerifier();
  const t0 = process.hrtime.bigint();
  const report = await auditLedger(storeSource(store), {
    logKey, verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(),
  });
  return { report, seconds: secondsSince(t0) };
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
    const chains = ctx.mode === 'quick' ? 320 : 3320;
    return withTempDir(async (tmp) => {
      const file = tmp.file('ledger.db');
      const log = await buildLog(file, chains, ctx);
      const store = new SqliteLedgerStore(openSqlite(file)); // as `verify-ledger --data-dir` opens it
      try {
        const warm = checked((await audit(store, log.logKey)).report, log.size);
        const rates: number[] = [];
        for (let r = 0; r < ctx.rounds; r++) {
          const { report, seconds } = await audit(store, log.logKey);
          checked(report, log.size);
          rates.push(log.size / seconds);
          ctx.log(`auditor-replay: round ${r + 1}/${ctx.rounds}: ${fmt.int(rates.at(-1)!)} entries/s`);
        }
        const counting = countingStore(store);
        const profiled = await cpuProfile(() => audit(counting.store, log.logKey));
        checked(profiled.value.report, log.size);
        const rate = median(rates);
        const results: Table = {
          head: ['entries', 'checkpoints verified', 'state objects compared', 'rounds', 'median entries/s', 'min–max', 'vs target', 'log build (pipeline) s'],
          rows: [[
            fmt.int(log.size), fmt.int(warm.checkpointsVerified), fmt.int(warm.objectsCompared), String(ctx.rounds), fmt.int(rate),
            `${fmt.int(Math.min(...rates))}–${fmt.int(Math.max(...rates))}`, fmt.ratio(rate / TARGET), fmt.s(log.seconds),
          ]],
        };
        const profile: Table = {
          title: `Where the time goes (CPU profile of one extra replay, ${fmt.int(log.size / profiled.value.seconds)} entries/s under the profiler)`,
          head: ['share', 'ms', 'µs per entry', 'category — paid for by'],
          rows: profiled.shares.filter((s) => s.share >= 0.005)
            .map((s) => [`${fmt.num(100 * s.share)} %`, fmt.int(s.ms), fmt.num((1000 * s.ms) / log.size), s.category]),
        };
        const c = (m: 'entries' | 'checkpointAt' | 'nodes' | 'queryState'): string => fmt.int(callsOf(counting.counts, m));
        return {
          what: '`auditLedger` over `storeSource(SqliteLedgerStore)`, as `ledgerhouse verify-ledger --data-dir` runs it: every entry read, '
            + 'decoded strictly and checked canonical, its leaf hash recomputed, its signatures verified (`FastVerifier`) against the '
            + 'signer\'s key as of that index, its contract re-applied; every stored Merkle node compared with the recomputed one; every '
            + 'checkpoint note verified and compared with the recomputed root; finally every state projection compared with the replayed state.',
          how: 'The log is produced through the real commit pipeline (SQLite file in a temporary directory, WAL + `synchronous=FULL`): '
            + `genesis, 80 party registrations, then ${fmt.int(chains)} pre-signed six-step pledge lifecycles (${STAGES.join(' → ')}). `
            + 'The database is reopened as the CLI opens it. One untimed warm-up replay, then '
            + `${ctx.rounds} timed replays of the whole log (each must report ok and the full size); the median is the verdict.`,
          tables: [results, profile],
          measured: `median ${fmt.int(rate)} entries/s over ${fmt.int(log.size)} entries (${fmt.ratio(rate / TARGET)} the target)`,
          verdict: rate >= TARGET ? 'PASS' : 'MISS',
          notes: [
            `Store calls per replay of ${fmt.int(log.size)} entries: ${c('entries')} \`entries\` pages, ${c('checkpointAt')} \`checkpointAt\` `
              + `(one per entry), ${c('nodes')} \`nodes\` calls reading ${fmt.int(counting.counts.nodes)} node hashes, ${c('queryState')} \`queryState\` pages.`,
          ],
        };
      } finally {
        store.db.close(); // the store does not own a database it was given
      }
    });
  },
};

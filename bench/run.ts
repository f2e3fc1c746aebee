// `npm run bench`: run the selected benchmarks and write BENCHMARKS.md (one section per benchmark).
//   npm run bench                          default suite, rewrites BENCHMARKS.md
//   npm run bench -- --only ledger-proofs  selected benchmarks; replaces only their sections
//   npm run bench -- --quick               smoke run (< 1 minute); prints, writes only with --out
//   npm run bench -- --full                also the slow sizes the default skips
// Each benchmark runs in a fresh process of its own (isolated.ts); --in-process runs them all in this one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { secondsSince, type BenchContext, type Benchmark, type Mode } from './benchmark.js';
import { runIsolated } from './isolated.js';
import { describeMachine } from './machine.js';
import { BENCHMARKS } from './registry.js';
import { consoleSummary, renderReport, type SectionRun } from './report.js';
const NAMES = BENCHMARKS.map((b) => b.name);
const DEFAULT_ROUNDS: Record<Mode, number> = { quick: 3, default: 5, full: 5 };

interface Flags {
  only?: string[];
  quick?: boolean;
  full?: boolean;
  rounds?: number;
  out?: string | false;
  failOnMiss?: boolean;
  verbose?: boolean;
  inProcess?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function selected(only: readonly string[] | undefined): Benchmark[] {
  if (only === undefined) return [...BENCHMARKS];
  const names = only.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !NAMES.includes(n));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown benchmark ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${NAMES.join(', ')}`);
  }
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('bench')
    .description('Ledgerhouse benchmarks; results go to BENCHMARKS.md')
    .option('--only <names...>', `run only these benchmarks (${NAMES.join(', ')})`)
    .addOption(new Option('--quick', 'smoke run with small sizes (< 1 minute); writes nothing unless --out is given').conflicts('full'))
    .option('--full', 'also measure the sizes the default run skips (10^7-leaf proof tree)')
    .option('--rounds <n>', 'timed rounds per measurement (default 5, quick 3)', positiveInt)
    .option('--out <file>', 'Markdown file to write (default BENCHMARKS.md; quick mode: none)')
    .option('--no-out', 'do not write any file')
    .option('--fail-on-miss', 'exit with status 1 when a target is missed')
    .option('--verbose', 'print stack traces of failures')
    .option('--in-process', 'run the benchmarks in this process instead of a fresh process each (debugging, profiling)')
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<Flags>();
  let benches: Benchmark[] = [];
  try {
    benches = selected(flags.only);
  } catch (e) {
    program.error(`error: ${(e as Error).message}`); // exits
  }
  const mode: Mode = flags.quick === true ? 'quick' : flags.full === true ? 'full' : 'default';
  const rounds = flags.rounds ?? DEFAULT_ROUNDS[mode];
  const out = flags.out === false ? undefined : (flags.out ?? (mode === 'quick' ? undefined : 'BENCHMARKS.md'));
  const machine = describeMachine();
  const started = process.hrtime.bigint();
  const log = (m: string): void => void process.stderr.write(`[bench ${secondsSince(started).toFixed(0).padStart(4)} s] ${m}\n`);
  log(`${mode} mode, ${rounds} rounds: ${benches.map((b) => b.name).join(', ')} on ${machine.cpuModel} (${machine.cores} cores), Node ${machine.node}`);

  const runs: SectionRun[] = [];
  let failed = 0;
  for (const bench of benches) {
    const ctx: BenchContext = { mode, rounds, log };
    const t0 = process.hrtime.bigint();
    const date = new Date().toISOString();
    const loadAverage = describeMachine().loadAverage;
    try {
      const result = flags.inProcess === true ? await bench.run(ctx) : await runIsolated(bench.name, ctx);
      runs.push({ bench, result, mode, rounds, date, loadAverage, seconds: secondsSince(t0) });
      log(`${bench.name}: ${result.verdict} — ${result.measured} (${secondsSince(t0).toFixed(0)} s)`);
    } catch (e) {
      failed++;
      process.stderr.write(`bench ${bench.name} failed: ${(e as Error).message}\n${flags.verbose === true ? `${(e as Error).stack}\n` : ''}`);
    }
  }

  process.stdout.write(`\n${consoleSummary(runs)}\n\ntotal ${secondsSince(started).toFixed(0)} s\n`);
  if (out !== undefined && runs.length > 0) {
    const previous = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
    writeFileSync(out, renderReport(machine, runs, NAMES, previous));
    process.stdout.write(`wrote ${out}\n`);
  }
  if (failed > 0) return 2;
  if (flags.failOnMiss === true && runs.some((r) => r.result.verdict === 'MISS')) return 1;
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

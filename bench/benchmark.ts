// What one benchmark is and what it reports. run.ts runs the selected ones and renders each result as one
// section of BENCHMARKS.md: what is measured, how, the result tables, the target and PASS/MISS.

export type Mode = 'quick' | 'default' | 'full';

export interface BenchContext {
  /** quick: smoke run (whole suite < 1 minute); default: the numbers BENCHMARKS.md quotes; full: adds the slow sizes. */
  readonly mode: Mode;
  /** Timed rounds per measurement (medians are taken over these). */
  readonly rounds: number;
  /** Progress line on stderr. */
  log(message: string): void;
}

export interface Table {
  readonly title?: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** PASS/MISS against the target; NOT MEASURED when this mode skips the measurement the target is about. */
export type Verdict = 'PASS' | 'MISS' | 'NOT MEASURED';

export interface BenchResult {
  /** What is measured (one paragraph of Markdown). */
  readonly what: string;
  /** How: set-up, sizes, rounds, what the clock covers. */
  readonly how: string;
  readonly tables: readonly Table[];
  /** The measured value the verdict rests on, e.g. "median 61,200 appends/s". */
  readonly measured: string;
  readonly verdict: Verdict;
  /** Further findings (profiles, caveats), Markdown paragraphs or lists. */
  readonly notes: readonly string[];
}

export interface Benchmark {
  /** CLI name, e.g. `ledger-append`. */
  readonly name: string;
  readonly title: string;
  /** The target from the issues, e.g. "≥ 50,000 appends/s on 2 cores". */
  readonly target: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Formatting helpers shared by the benchmarks' tables. */
export const fmt = {
  /** Integer with thousands separators. */
  int: (n: number): string => Math.round(n).toLocaleString('en-US'),
  /** Fixed decimals. */
  num: (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  /** Milliseconds from nanoseconds or ms, with 3 decimals. */
  ms: (ms: number): string => ms.toFixed(3),
  /** Seconds with 1 decimal. */
  s: (seconds: number): string => seconds.toFixed(1),
  /** A ratio as ×. */
  ratio: (x: number): string => `${x.toFixed(2)}×`,
};

/** Seconds elapsed since `start` (a process.hrtime.bigint() value). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Milliseconds elapsed since `start` (a process.hrtime.bigint() value). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A reproducible uniform generator in [0, 1) (mulberry32), so every run samples the same indices. */
export { seededRandom } from '../iot-gateway/simulator/device-model.js';

export interface Elapsed {
  readonly wallMs: number;
  /** CPU time of this process (user + system, all threads) over the same span. */
  readonly cpuMs: number;
}

/**
 * A stopwatch for wall and CPU time. On a shared machine CPU/wall shows how much of the span the process got to
 * run: a CPU-bound span well below 1 was waiting for a core (or for I/O, e.g. fsync).
 */
export function stopwatch(): () => Elapsed {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: Number(process.hrtime.bigint() - wall) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  };
}

// The machine a benchmark run happened on, as BENCHMARKS.md records it: CPU model (from /proc/cpuinfo), cores,
// memory, Node, OpenSSL and SQLite versions, the date and the load at the start of the run.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly openssl: string;
  readonly sqlite: string;
  /** ISO 8601 time the run started. */
  readonly date: string;
  /** 1-minute load average when the run started (other work on the machine shows up here). */
  readonly loadAverage: number;
}

/** The CPU model name: the first `model name` line of /proc/cpuinfo, else what `os.cpus()` says. */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    const model = line?.split(':')[1]?.trim();
    if (model) return model;
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare('SELECT sqlite_version()').pluck().get() as string;
  } finally {
    db.close();
  }
}

export function describeMachine(now: Date = new Date()): Machine {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    sqlite: sqliteVersion(),
    date: now.toISOString(),
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

// Every benchmark builds what it needs in its own temporary directory and removes it afterwards.
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly dir: string;
  /** Path of a file inside the directory. */
  file(name: string): string;
  /** Total size in bytes of the files in the directory (the database and its WAL). */
  bytes(): number;
  remove(): void;
}

export function tempDir(prefix = 'lh-bench-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    bytes: () => readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run `fn` with a fresh temporary directory that is removed however `fn` ends. */
export async function withTempDir<T>(fn: (tmp: TempDir) => Promise<T>): Promise<T> {
  const tmp = tempDir();
  try {
    return await fn(tmp);
  } finally {
    tmp.remove();
  }
}

// The demo's files under <dataDir>/demo: every demo party's and device's key file (keys/<id>.key.json), the
// parties' API tokens in plaintext (tokens.json), the cocoa grading certificate, and the summary of what was
// seeded. Secrets are mode 0600 in a 0700 directory; they are demo data, never production credentials.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeKeyFile, type KeyPair } from '../../ledger/crypto/keys.js';

export interface DemoPaths {
  readonly dir: string;
  readonly keysDir: string;
  readonly tokensFile: string;
  readonly summaryFile: string;
  readonly certificatesDir: string;
}

export function demoPaths(dataDir: string): DemoPaths {
  const dir = path.join(dataDir, 'demo');
  return {
    dir,
    keysDir: path.join(dir, 'keys'),
    tokensFile: path.join(dir, 'tokens.json'),
    summaryFile: path.join(dir, 'summary.json'),
    certificatesDir: path.join(dir, 'certificates'),
  };
}

export const demoKeyFile = (paths: DemoPaths, id: string): string => path.join(paths.keysDir, `${id}.key.json`);

/**
 * Writes the key file of `id`. Only called while seeding a fresh log, where no demo party or device is registered
 * yet, so a file left by an earlier, interrupted seed holds a key nobody uses and is replaced.
 */
export function writeDemoKey(paths: DemoPaths, id: string, kp: KeyPair): string {
  mkdirSync(paths.keysDir, { recursive: true, mode: 0o700 });
  const file = demoKeyFile(paths, id);
  rmSync(file, { force: true });
  writeKeyFile(file, id, kp);
  return file;
}

/** Writes a file only its owner may read (0600), also when it already existed. */
export function writeSecretFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function writeDemoFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text);
}

export function readJsonFile<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

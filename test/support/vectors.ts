// Third-party test vectors live outside the project (../shared/vectors, or LH_VECTORS_DIR); they are never
// copied in. A suite that needs a file calls `withVectors`, which skips the suite, saying so, when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function vectorsDir(): string {
  return process.env['LH_VECTORS_DIR'] ?? path.resolve(projectRoot, '..', 'shared', 'vectors');
}

/** Parsed JSON of a vector file, or undefined when the file is not there. */
export function loadVectors<T = unknown>(file: string): T | undefined {
  const full = path.join(vectorsDir(), file);
  if (!existsSync(full)) return undefined;
  return JSON.parse(readFileSync(full, 'utf8')) as T;
}

/**
 * `describe` a suite over a vector file; when the file is absent the suite is skipped with a line that says
 * which file was looked for and where.
 */
export function withVectors<T>(file: string, title: string, body: (vectors: T) => void): void {
  const vectors = loadVectors<T>(file);
  if (vectors === undefined) {
    describe(title, () => {
      it(`SKIPPED: vector file ${file} not found in ${vectorsDir()} (set LH_VECTORS_DIR)`);
    });
    return;
  }
  describe(title, () => body(vectors));
}

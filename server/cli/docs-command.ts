import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { regenerate } from '../docs/readme-tables.js';

const readme = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

export function registerDocsCommand(program: Command): void {
  program
    .command('docs')
    .description("regenerate the README's configuration and error-code tables from the code")
    .action(() => {
      writeFileSync(readme, regenerate(readFileSync(readme, 'utf8')));
      process.stdout.write(`updated ${readme}\n`);
    });
}

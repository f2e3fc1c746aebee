import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_BLOCKS, blockContent } from '../server/docs/readme-tables.js';

const readme = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

describe('README', () => {
  for (const [name, make] of Object.entries(GENERATED_BLOCKS)) {
    it(`When the code's ${name} changes, then the README's copy matches it (run \`npm run ledgerhouse -- docs\`)`, () => {
      assert.equal(blockContent(readme, name), make());
    });
  }

  it('When a newcomer reads the quick start, then it shows exactly the two commands', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Concepts'));
    const block = /```sh\n([\s\S]*?)```/.exec(quick)?.[1] ?? '';
    const commands = block.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('#')[0]!.trim());
    assert.deepEqual(commands, ['npm start', 'npm test']);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REJECTIONS } from '../../../iot-gateway/formats/rejection.js';

describe('iot-gateway formats: the outcome table', () => {
  it('When README-formats.md lists the outcomes, then it lists exactly the codes and texts of formats/rejection.ts', () => {
    const doc = readFileSync(new URL('../../../iot-gateway/README-formats.md', import.meta.url), 'utf8');
    const table = /<!-- rejection-table -->\n([\s\S]*?)<!-- \/rejection-table -->/.exec(doc)?.[1] ?? '';
    const rows = table.split('\n').filter((l) => l.startsWith('| `')).map((l) => /^\| `([A-Z_]+)` \| (.*) \|$/.exec(l)!.slice(1));
    assert.deepEqual(rows, Object.entries(REJECTIONS));
  });
});

// The published surface stays coherent: every error code is well-formed, every schema field is described,
// every rule id is cited at an enforcing line, and every code a contract can return is in the catalogue.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS, RULE_IDS, TX_TYPES, txBodySchema, txInfo } from '../../contracts/index.js';

const contractsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'contracts');
const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(path.join(dir, e.name), 'utf8')] : []);

/** Pointers of schema nodes that are properties but lack a description. */
function undocumented(schema: unknown, at: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const here = typeof s['description'] === 'string' && s['description'] !== '' ? [] : [at];
  const props = Object.entries((s['properties'] ?? {}) as Record<string, unknown>).flatMap(([k, v]) => undocumented(v, `${at}/${k}`));
  const items = s['items'] === undefined ? [] : undocumented(s['items'], `${at}/items`);
  const alts = ((s['oneOf'] ?? []) as unknown[]).flatMap((v, i) => undocumented(v, `${at}/oneOf/${i}`));
  return [...here, ...props, ...items, ...alts];
}

describe('contracts: catalogue', () => {
  it('When the error catalogue is read, then every code has a 400/403/404/409 status and a one-line title', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      assert.match(code, /^[A-Z][A-Z0-9_]+$/);
      assert.ok([400, 403, 404, 409].includes(e.status), code);
      assert.ok(e.title.length > 0 && !e.title.includes('\n'), code);
    }
  });
  it('When the sources are read, then every code they return is in the catalogue', () => {
    const used = new Set(sources(contractsDir).flatMap((src) => [...src.matchAll(/fail\('([A-Z_]+)'/g)].map((m) => m[1] ?? '')));
    for (const code of used) assert.ok(Object.hasOwn(ERRORS, code), code);
  });
  it('When the sources are read, then every rule id is cited at an enforcing line outside rules.ts', () => {
    const code = sources(contractsDir).filter((s) => !s.includes('export const RULE_IDS')).join('\n');
    for (const id of RULE_IDS) assert.ok(code.includes(`[${id}]`), id);
  });
  for (const type of TX_TYPES) {
    it(`When the ${type} schema is published, then every field has a description and objects are closed`, () => {
      const schema = txBodySchema(type);
      assert.deepEqual(undocumented(schema, ''), []);
      assert.equal(schema['additionalProperties'], false);
      assert.ok(txInfo(type).summary.length > 0 && txInfo(type).signedBy.length > 0);
    });
  }
  it('When an unknown type\'s schema is asked for, then RangeError', () => {
    assert.throws(() => txBodySchema('nope'), RangeError);
  });
});

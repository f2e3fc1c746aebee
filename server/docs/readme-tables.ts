// The README's generated tables (configuration, error codes). `ledgerhouse docs` rewrites them between their
// markers; test/readme.test.ts fails when README and code drift apart.
import { TX_TYPES, txInfo } from '../../contracts/index.js';
import { SETTINGS } from '../config.js';
import { allErrorCodes } from '../http/error-catalogue.js';

const cell = (s: string): string => s.replaceAll('|', '\\|');

export function configTable(): string {
  const rows = Object.values(SETTINGS).map((s) => `| \`${s.env}\` | ${s.default === '' ? '(unset)' : `\`${s.default}\``} | ${cell(s.doc)} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function errorTable(): string {
  const rows = allErrorCodes().map((e) => `| \`${e.code}\` | ${e.status} | ${cell(e.title)} |`);
  return ['| code | HTTP | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function transactionTable(): string {
  const rows = TX_TYPES.map((t) => {
    const info = txInfo(t);
    return `| \`${t}\` | ${cell(info.signedBy)} | ${cell(info.summary)} |`;
  });
  return ['| transaction | signed by | what it does |', '| --- | --- | --- |', ...rows].join('\n');
}

export const GENERATED_BLOCKS: Readonly<Record<string, () => string>> = {
  'config-table': configTable,
  'error-table': errorTable,
  'tx-table': transactionTable,
};

/** Replace the text between `<!-- name -->` and `<!-- /name -->`. */
export function replaceBlock(doc: string, name: string, content: string): string {
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} block`);
  return `${doc.slice(0, start + open.length)}\n${content}\n${doc.slice(end)}`;
}

export function blockContent(doc: string, name: string): string | undefined {
  const open = `<!-- ${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(`<!-- /${name} -->`);
  if (start < 0 || end < start) return undefined;
  return doc.slice(start + open.length, end).trim();
}

export function regenerate(doc: string): string {
  return Object.entries(GENERATED_BLOCKS).reduce((d, [name, make]) => replaceBlock(d, name, make()), doc);
}

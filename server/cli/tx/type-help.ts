// `ledgerhouse tx --help` and `ledgerhouse tx <type> --help`: every transaction type, and every body field of one
// type, rendered from the contracts' own JSON Schemas so the help cannot drift from what the ledger accepts.
import { TX_TYPES, txBodySchema, txInfo } from '../../../contracts/index.js';
import { alternatives, asSchema, properties, requiredNames, typeOf, type Schema } from './schema-walk.js';

const WIDTH = 100;

function wrap(text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && pad.length + line.length + 1 + word.length > WIDTH) {
      lines.push(pad + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(pad + line);
  return lines;
}

const num = (x: unknown): x is number => typeof x === 'number';

function range(min: unknown, max: unknown, unit: string): string | undefined {
  if (num(min) && num(max)) return min === max ? `exactly ${min} ${unit}` : `${min}–${max} ${unit}`;
  if (num(max)) return `at most ${max} ${unit}`;
  if (num(min)) return `at least ${min} ${unit}`;
  return undefined;
}

/** The constraints of one field in words: allowed values, pattern, limits. */
export function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (Array.isArray(s['enum'])) out.push(`One of: ${s['enum'].map(String).join(', ')}.`);
  if (s['const'] !== undefined) out.push(`Always ${JSON.stringify(s['const'])}.`);
  if (typeof s['pattern'] === 'string') out.push(`Pattern: ${s['pattern']}`);
  const length = range(s['minLength'], s['maxLength'], 'characters');
  if (length !== undefined) out.push(`${length[0]!.toUpperCase()}${length.slice(1)}.`);
  if (num(s['minimum']) || num(s['maximum'])) {
    out.push(num(s['minimum']) && num(s['maximum']) ? `From ${s['minimum']} to ${s['maximum']}.` : num(s['minimum']) ? `At least ${s['minimum']}.` : `At most ${String(s['maximum'])}.`);
  }
  const items = range(s['minItems'], s['maxItems'], 'items');
  if (items !== undefined) out.push(`${items[0]!.toUpperCase()}${items.slice(1)}${s['uniqueItems'] === true ? ', no duplicates' : ''}.`);
  return out;
}

function typeLabel(s: Schema): string {
  const type = typeOf(s);
  if (type === 'array') {
    const items = asSchema(s['items']);
    return `array of ${items === undefined ? 'values' : typeLabel(items)}`;
  }
  if (alternatives(s).length > 0) return `${type ?? 'value'}, one of ${alternatives(s).length} shapes`;
  return type ?? 'any JSON value';
}

function sentence(text: string): string {
  return text === '' || /[.!?:]$/.test(text) ? text : `${text}.`;
}

/** Lines describing the fields of the object `s`, each named by its dotted --set path. */
function fieldLines(s: Schema, prefix: string, indent: number): string[] {
  const required = requiredNames(s);
  const lines: string[] = [];
  for (const [name, field] of properties(s)) {
    lines.push(...describe(`${prefix}${name}`, field, required.has(name) ? 'required' : 'optional', indent));
  }
  return lines;
}

/** A field: its path, type and presence, then its description and constraints, then what it contains. */
function describe(path: string, s: Schema, presence: string, indent: number): string[] {
  const lines = [`${' '.repeat(indent)}${path}  (${typeLabel(s)}, ${presence})`];
  const description = typeof s['description'] === 'string' ? sentence(s['description']) : '';
  lines.push(...wrap([description, ...constraints(s)].join(' '), indent + 4));
  lines.push(...nested(path, s, indent + 4));
  return lines;
}

function nested(path: string, s: Schema, indent: number): string[] {
  const alts = alternatives(s);
  if (alts.length > 0) {
    return alts.flatMap((alt, i) => [
      `${' '.repeat(indent)}shape ${i + 1}: ${typeof alt['description'] === 'string' ? alt['description'] : ''}`.trimEnd(),
      ...fieldLines(alt, `${path}.`, indent + 2),
    ]);
  }
  if (typeOf(s) === 'object') return fieldLines(s, `${path}.`, indent);
  const items = asSchema(s['items']);
  if (typeOf(s) !== 'array' || items === undefined) return [];
  if (typeOf(items) === 'object' || alternatives(items).length > 0) {
    return [`${' '.repeat(indent)}each item:`, ...nested(`${path}.<i>`, items, indent + 2)];
  }
  const itemText = [typeof items['description'] === 'string' ? sentence(items['description']) : '', ...constraints(items)].join(' ');
  return wrap(`Each item (${typeLabel(items)}): ${itemText}`, indent);
}

const SET_RULES = [
  'Body: --body \'<json>\' or --body-file FILE (- = stdin), then --set path=value for single fields, applied in order.',
  'A --set path is dotted and numeric segments index arrays (covenants.temperature.minC=2, parts.0=150).',
  'Text fields take the value verbatim (quantity=40 is the string "40"); numbers, objects and arrays are JSON.',
];

/** The help for one transaction type. */
export function typeHelp(type: string): string {
  const { summary, signedBy } = txInfo(type);
  const schema = txBodySchema(type);
  return [
    `ledgerhouse tx ${type}: ${summary}`,
    '',
    `Signed by: ${signedBy}.`,
    ...wrap('Pass one --key FILE per signer; the key file\'s name is the signer\'s party id, signatures keep the order of --key, and the nonce belongs to the first signer. Signers who do not share keys: write the transaction with --out FILE, add signatures with `ledgerhouse tx-sign FILE --key K`, then `ledgerhouse tx-submit FILE`.', 0),
    '',
    `Usage: ledgerhouse tx ${type} --key FILE… (--body JSON | --body-file FILE | --set path=value…) [--url URL | --data-dir DIR] [--out FILE]`,
    '',
    'Body fields:',
    ...fieldLines(schema, '', 2),
    '',
    ...SET_RULES.flatMap((rule) => wrap(rule, 0)),
    '',
    ...optionLines(),
  ].join('\n') + '\n';
}

export function optionLines(): string[] {
  return [
    'Options:',
    '  --key <file>          a signer\'s key file (repeat, in signing order)',
    '  --body <json>         the body as a JSON object',
    '  --body-file <file>    read the body from a JSON file (- = stdin)',
    '  --set <path=value>    set one body field (repeat)',
    '  --nonce <nonce>       the transaction nonce (default: random); unique per first signer',
    '  --out <file>          write the signed-so-far transaction to a file instead of submitting it',
    '  --url <url>           submit to a running server (POST /v1/transactions)',
    '  --token <token>       bearer token for --url, to print the committed entry (entries are not public)',
    '  --data-dir <dir>      submit to the ledger in this data directory (default: LH_DATA_DIR or ./data);',
    '                        only while no server runs on it; otherwise use --url',
    '  -h, --help            this help; with a type, that type\'s body fields',
  ];
}

/** `ledgerhouse tx --help`: all types with their summaries and signers. */
export function typeListHelp(): string {
  const width = Math.max(...TX_TYPES.map((t) => t.length)) + 2;
  const lines = TX_TYPES.flatMap((t) => {
    const { summary, signedBy } = txInfo(t);
    const [first = '', ...rest] = wrap(`${summary} Signed by: ${signedBy}.`, 2 + width);
    return [`  ${t.padEnd(width)}${first.trimStart()}`, ...rest];
  });
  return [
    'Usage: ledgerhouse tx <type> [options]',
    '',
    'Build, sign and submit a transaction. `ledgerhouse tx <type> --help` lists the body fields of one type.',
    '',
    'Transaction types:',
    ...lines,
    '',
    'Related: ledgerhouse tx-sign FILE --key K (add a signature), ledgerhouse tx-submit FILE (submit a signed file).',
    '',
    ...optionLines(),
  ].join('\n') + '\n';
}

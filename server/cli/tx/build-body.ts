// The transaction body from the command line: a base object from --body '<json>' or --body-file FILE ('-' reads
// standard input), then every --set path=value applied on top, in order.
//
// --set rules (also in `ledgerhouse tx <type> --help`):
// - `path` is dotted; a numeric segment indexes an array: covenants.temperature.minC, parts.0, windows.0.days.
//   Missing objects and arrays along the path are created.
// - `value` is read as the field's schema type says: text fields verbatim (quantity=40 stays the string "40"),
//   numbers and booleans as JSON literals, objects and arrays as JSON. A field the schema does not know is JSON
//   when it parses and text otherwise.
import { readFileSync } from 'node:fs';
import { parseStrictJson } from '../../../ledger/encoding/strict-json.js';
import { CliError } from '../cli-error.js';
import { childSchema, isArrayIndex, typeOf, type Schema } from './schema-walk.js';

export interface BodyFlags {
  readonly body?: string;
  readonly bodyFile?: string;
  readonly set: readonly string[];
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

type Container = Record<string, unknown> | unknown[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string, what: string, hint: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${(e as Error).message}`, hint);
  }
}

function readBodyFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read --body-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path');
  }
}

function baseBody(flags: BodyFlags, type: string): Record<string, unknown> {
  if (flags.body !== undefined && flags.bodyFile !== undefined) {
    throw new CliError('both --body and --body-file given', 'use one of them (and --set to change single fields)');
  }
  const hint = `write the body as a JSON object, e.g. --body '{"id":"bank-a"}'; fields: ledgerhouse tx ${type} --help`;
  let doc: unknown = {};
  if (flags.body !== undefined) doc = parseJson(flags.body, '--body', hint);
  if (flags.bodyFile !== undefined) doc = parseJson(readBodyFile(flags.bodyFile), `--body-file ${flags.bodyFile}`, hint);
  if (!isObject(doc)) throw new CliError('the transaction body must be a JSON object', hint);
  return doc;
}

/** Converts the text of a --set value to the JSON value the field's schema expects. */
export function fieldValue(text: string, schema: Schema | undefined, setting: string): unknown {
  const type = schema === undefined ? undefined : typeOf(schema);
  if (type === 'string') return text;
  if (type === undefined) {
    try {
      return parseStrictJson(text);
    } catch {
      return text;
    }
  }
  const hint = type === 'object' || type === 'array' ? `give the ${type} as JSON, e.g. --set '${setting.split('=')[0]}=${type === 'object' ? '{…}' : '[…]'}'` : undefined;
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch {
    throw new CliError(`--set ${setting}: this field is ${article(type)} ${type}, and '${text}' is not one`, hint);
  }
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const fits = type === actual || (type === 'integer' && Number.isInteger(value));
  if (!fits) throw new CliError(`--set ${setting}: this field is ${article(type)} ${type}, not ${article(actual)} ${actual}`, hint);
  return value;
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

function splitSetting(setting: string, type: string): { segments: string[]; text: string } {
  const eq = setting.indexOf('=');
  const path = eq < 0 ? '' : setting.slice(0, eq);
  const segments = path.split('.');
  if (eq < 0 || segments.some((s) => s === '')) {
    throw new CliError(`--set ${setting}: expected path=value, e.g. --set quantity=40 or --set covenants.temperature.minC=2`, `fields: ledgerhouse tx ${type} --help`);
  }
  const bad = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad !== undefined) throw new CliError(`--set ${setting}: '${bad}' cannot be a field name`);
  return { segments, text: setting.slice(eq + 1) };
}

function assign(container: Container, segment: string, value: unknown, setting: string, at: string): void {
  if (Array.isArray(container)) {
    const i = Number(segment);
    if (!isArrayIndex(segment) || i > container.length) {
      throw new CliError(`--set ${setting}: '${at}' is an array with ${container.length} items; use index 0..${container.length}`);
    }
    container[i] = value;
  } else {
    container[segment] = value;
  }
}

function member(container: Container, segment: string): unknown {
  return Array.isArray(container) ? container[Number(segment)] : container[segment];
}

/** Applies one `path=value` to `body` (in place), guided by the body schema. */
export function applySetting(body: Record<string, unknown>, schema: Schema, setting: string, type: string): void {
  const { segments, text } = splitSetting(setting, type);
  let container: Container = body;
  let node: Schema | undefined = schema;
  for (const [i, segment] of segments.entries()) {
    const at = segments.slice(0, i + 1).join('.');
    node = childSchema(node, segment);
    if (i === segments.length - 1) {
      assign(container, segment, fieldValue(text, node, setting), setting, segments.slice(0, i).join('.'));
      return;
    }
    let next = member(container, segment);
    if (next === undefined) {
      const wantsArray = (node !== undefined && typeOf(node) === 'array') || (node === undefined && isArrayIndex(segments[i + 1]!));
      next = wantsArray ? [] : {};
      assign(container, segment, next, setting, segments.slice(0, i).join('.'));
    }
    if (typeof next !== 'object' || next === null) {
      throw new CliError(`--set ${setting}: '${at}' already holds ${JSON.stringify(next)}, which has no fields`);
    }
    container = next as Container;
  }
}

/** The body for `type`: --body/--body-file, then each --set in order. */
export function buildBody(type: string, schema: Schema, flags: BodyFlags): Record<string, unknown> {
  const body = baseBody(flags, type);
  for (const setting of flags.set) applySetting(body, schema, setting, type);
  return body;
}

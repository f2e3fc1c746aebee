// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that every signature covers.
// JCS is ECMAScript's JSON.stringify with every object's members sorted by their names' UTF-16 code units
// (RFC 8785 §3.2.3; numbers and strings as JSON.stringify writes them, §3.2.2). So one walk refuses the values JCS
// cannot represent (canonicalize, like JSON.stringify, would skip undefined properties, turn undefined array slots
// into null and emit invalid text for functions), and gathers the member names it meets; the native JSON.stringify
// then writes the text with those names, sorted, as its property list (ECMA-262 SerializeJSONObject writes the
// listed names in list order, the ones an object has). That is about twice as fast as the maintained `canonicalize`
// package, which stays the serialiser wherever the property list would not be exact (a toJSON method, an object
// that is not plain, a `__proto__` member) or would cost more than it saves (many names over many objects);
// test/ledger/encoding/canonical.test.ts holds the two to the same bytes. Browser-safe.
import canonicalize from 'canonicalize';
import { utf8 } from './bytes.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the walk is: array indices and object keys from the root. Formatted only when something fails. */
type Path = (string | number)[];

function formatPath(path: Path): string {
  let out = '$';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  return out;
}

function fail(path: Path, what: string): never {
  throw new TypeError(`canonicalJson: ${what} at ${formatPath(path)} cannot be represented in RFC 8785 JSON`);
}

function hasToJSON(v: object): v is { toJSON(): unknown } {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/** What the walk learnt about a value: the member names it holds and whether the native serialiser is exact for it. */
interface Walk {
  readonly names: Set<string>;
  /** Objects (not arrays) and their members, to weigh the property list's cost (it is tried on every object). */
  objects: number;
  members: number;
  /** False once the walk met a toJSON method, an object that is not plain, or a `__proto__` member. */
  native: boolean;
}

const OBJECT_PROTOTYPE = Object.prototype;
const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
const wellFormed = (s: string): boolean => (hasWellFormed ? (s as unknown as { isWellFormed(): boolean }).isWellFormed() : !LONE_SURROGATE.test(s));

/**
 * An object's share of the walk: its member names, counts, and whether a property list writes it exactly — a
 * property list reads every listed name with [[Get]], inherited ones included, so only plain objects qualify, and
 * a `__proto__` member would be answered with Object.prototype.
 */
function noteObject(obj: object, keys: readonly string[], w: Walk): void {
  const proto = Object.getPrototypeOf(obj) as unknown;
  if (proto !== OBJECT_PROTOTYPE && proto !== null) w.native = false;
  w.objects++;
  w.members += keys.length;
  for (const key of keys) {
    if (key === '__proto__') w.native = false;
    w.names.add(key);
  }
}

// Walks the value exactly as JCS will serialise it (toJSON first, own enumerable string keys) and throws on the
// first value with no RFC 8785 form. The path is a stack of steps (this walk runs on every signed value, several
// times per entry in a replay, so no path string is built unless it fails).
function walk(value: unknown, path: Path, ancestors: Set<object>, w: Walk): void {
  switch (typeof value) {
    case 'string':
      // RFC 8785 §3.2.2.2: strings are UTF-16 code-unit sequences that must be valid Unicode.
      if (!wellFormed(value)) fail(path, 'a string with a lone UTF-16 surrogate');
      return;
    case 'boolean':
      return;
    case 'number':
      // RFC 8785 §3.2.2.3: IEEE 754 doubles only; NaN and ±Infinity have no JSON form.
      if (!Number.isFinite(value)) fail(path, String(value));
      return;
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      fail(path, typeof value);
  }
  if (value === null) return;
  const obj = value as object;
  if (ancestors.has(obj)) fail(path, 'a circular reference');
  ancestors.add(obj);
  if (hasToJSON(obj)) {
    w.native = false;
    walk(obj.toJSON(), path, ancestors, w);
  } else if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      path.push(i);
      walk(obj[i], path, ancestors, w);
      path.pop();
    }
  } else {
    const keys = Object.keys(obj);
    // Object.keys, which JCS serialises, skips non-enumerable own names; a property list would read them.
    if (Object.getOwnPropertyNames(obj).length !== keys.length) w.native = false;
    noteObject(obj, keys, w);
    for (const key of keys) {
      path.push(key);
      if (!wellFormed(key)) fail(path, 'a key with a lone UTF-16 surrogate');
      walk((obj as Record<string, unknown>)[key], path, ancestors, w);
      path.pop();
    }
  }
  ancestors.delete(obj);
}

/**
 * The property list that writes the walked values exactly, names sorted by UTF-16 code units as RFC 8785 §3.2.3
 * orders them; undefined when a list would not be exact, or would cost more than sorting each object's own names
 * (it is tried on every object), as `canonicalize` does.
 */
function propertyList(w: Walk): string[] | undefined {
  return w.native && w.names.size * w.objects <= 8 * w.members + 256 ? [...w.names].sort() : undefined;
}

/** The text of a value the walk found representable, with the walk's property list or else `canonicalize`. */
function serialise(value: unknown, list: string[] | undefined): string {
  const text = list === undefined ? canonicalize(value) : JSON.stringify(value, list);
  if (text === undefined) fail([], 'a value'); // unreachable after the walk; keeps the type a string
  return text;
}

/** RFC 8785 canonical JSON text of `value`. Throws TypeError naming the path of an unrepresentable value. */
export function canonicalJson(value: unknown): string {
  const w: Walk = { names: new Set(), objects: 0, members: 0, native: true };
  walk(value, [], new Set(), w);
  return serialise(value, propertyList(w));
}

/**
 * `values.map(canonicalJson)`, with one walk's bookkeeping over them all: values of one shape (the readings of a
 * store write) share one sorted property list instead of building and sorting their names each.
 */
export function canonicalJsonEach(values: readonly unknown[]): string[] {
  const w: Walk = { names: new Set(), objects: 0, members: 0, native: true };
  for (const value of values) walk(value, [], new Set(), w);
  const list = propertyList(w);
  return values.map((v) => serialise(v, list));
}

/**
 * RFC 8785 text of a value that `parseStrictJson` (strict-json.ts) returned: JSON data only — no undefined,
 * functions, cycles or toJSON, and no lone surrogates, which it rejects — so every value is representable and the
 * walk above is skipped (verifiers canonicalise every decoded entry). Any other value: use `canonicalJson`.
 */
export function canonicalJsonOfParsed(value: unknown): string {
  const w: Walk = { names: new Set(), objects: 0, members: 0, native: true };
  gatherNames(value, w);
  return serialise(value, propertyList(w));
}

/** The walk's bookkeeping alone, for parsed JSON data (plain objects and arrays of representable values). */
function gatherNames(value: unknown, w: Walk): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) gatherNames(item, w);
    return;
  }
  const keys = Object.keys(value);
  noteObject(value, keys, w);
  for (const key of keys) {
    gatherNames((value as Record<string, unknown>)[key], w);
  }
}

/** UTF-8 bytes of the RFC 8785 canonical JSON of `value` (RFC 8785 §3.2.4: output is UTF-8). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

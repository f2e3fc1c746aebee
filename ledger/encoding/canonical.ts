// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that every signature covers.
// The serialisation itself is the maintained `canonicalize` package; this file only refuses, before it runs,
// the values JCS cannot represent, so that nothing is silently dropped or rewritten under a signature:
// `canonicalize` (like JSON.stringify) would skip undefined properties, turn undefined array slots into null and
// emit invalid text for functions. Browser-safe.
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

// Walks the value exactly as JCS will serialise it (toJSON first, own enumerable string keys) and throws on the
// first value with no RFC 8785 form. The path is a stack of steps (this walk runs on every signed value, several
// times per entry in a replay, so no path string is built unless it fails).
function assertRepresentable(value: unknown, path: Path, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      // RFC 8785 §3.2.2.2: strings are UTF-16 code-unit sequences that must be valid Unicode.
      if (LONE_SURROGATE.test(value)) fail(path, 'a string with a lone UTF-16 surrogate');
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
    assertRepresentable(obj.toJSON(), path, ancestors);
  } else if (Array.isArray(obj)) {
    for (let i = 0; i < obj.length; i++) {
      path.push(i);
      assertRepresentable(obj[i], path, ancestors);
      path.pop();
    }
  } else {
    for (const key of Object.keys(obj)) {
      path.push(key);
      if (LONE_SURROGATE.test(key)) fail(path, 'a key with a lone UTF-16 surrogate');
      assertRepresentable((obj as Record<string, unknown>)[key], path, ancestors);
      path.pop();
    }
  }
  ancestors.delete(obj);
}

/** RFC 8785 canonical JSON text of `value`. Throws TypeError naming the path of an unrepresentable value. */
export function canonicalJson(value: unknown): string {
  assertRepresentable(value, [], new Set());
  const text = canonicalize(value);
  if (text === undefined) fail([], 'a value'); // unreachable after the walk; keeps the type a string
  return text;
}

/**
 * RFC 8785 text of a value that `parseStrictJson` (strict-json.ts) returned: JSON data only — no undefined,
 * functions, cycles or toJSON, and no lone surrogates, which it rejects — so every value is representable and the
 * walk above is skipped (verifiers canonicalise every decoded entry). Any other value: use `canonicalJson`.
 */
export function canonicalJsonOfParsed(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) fail([], 'a value');
  return text;
}

/** UTF-8 bytes of the RFC 8785 canonical JSON of `value` (RFC 8785 §3.2.4: output is UTF-8). */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

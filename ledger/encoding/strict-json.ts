// Strict JSON for signed payloads (HTTP bodies, MQTT telemetry). JSON.parse alone is not enough: for
// `{"qty":1,"qty":900}` it silently keeps the last value, so a signer and a verifier that parse differently could
// read different documents under one signature. Here every object key must be unique at every depth (RFC 8259
// §4 says names SHOULD be unique; for signed data we make it MUST), nesting is bounded, and strings must be
// valid Unicode because RFC 8785 (JCS) cannot canonicalise lone UTF-16 surrogates.
//
// How: native JSON.parse first (fast, exact RFC 8259 grammar, reports the position of a syntax error), then one
// linear scan of the already-valid text that tracks only structure: object key sets, nesting depth, and
// surrogate escapes. The scan can trust the grammar, so it is a few dozen lines and costs about as much as the
// parse: on a 260-byte telemetry message, ~1.9 µs versus ~0.9 µs for bare JSON.parse (≈ 500k msgs/s per core).
// We measured @humanwhocodes/momoa for this job: it does not report duplicate keys, and building its AST alone
// took ~24 µs for the same message (before walking it and converting it back into values), so it was not used.
// Browser-safe.

export type StrictJsonCode = 'JSON_MALFORMED' | 'JSON_DUPLICATE_KEY' | 'JSON_TOO_DEEP';

export class StrictJsonError extends Error {
  constructor(
    readonly code: StrictJsonCode,
    message: string,
    /** JSONPath-like location of the fault, e.g. `$.values[2]`, when known. */
    readonly path?: string,
    /** UTF-16 offset into the text, when known. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

export interface StrictJsonOptions {
  /** Deepest allowed nesting of arrays and objects; the top-level container is depth 1. Default 64. */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

interface Frame {
  /** Keys seen so far when this frame is an object; null for an array. */
  readonly keys: Set<string> | null;
  /** Array: index of the current element. */
  index: number;
  /** Object: the current member's key. */
  key: string;
}

function memberPath(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function pathOf(frames: readonly Frame[], depth: number): string {
  let path = '$';
  for (let d = 0; d < depth; d++) {
    const f = frames[d]!;
    // The innermost frame contributes only once it has a current member.
    if (d === depth - 1 && f.keys !== null && f.key === '') break;
    path = f.keys === null ? `${path}[${f.index}]` : memberPath(path, f.key);
  }
  return path;
}

/** Index of the quote that closes the string opened at `start` (text is known to be valid JSON). */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
    from = q + 1;
  }
}

function nextNonSpace(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++at);
  return c;
}

// Structure-only pass over text that JSON.parse has accepted. Throws on duplicates, depth and lone surrogates.
function scanStructure(text: string, maxDepth: number): void {
  const frames: Frame[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      const escaped = raw.includes('\\');
      let decoded: string | undefined;
      if (escaped && SURROGATE_ESCAPE.test(raw)) {
        decoded = JSON.parse(text.slice(i, end + 1)) as string;
        if (LONE_SURROGATE.test(decoded)) {
          throw new StrictJsonError(
            'JSON_MALFORMED',
            `JSON string at ${pathOf(frames, depth)} (position ${i}) contains a lone UTF-16 surrogate escape; RFC 8785 cannot encode it`,
            pathOf(frames, depth),
            i,
          );
        }
      }
      if (nextNonSpace(text, end + 1) === 0x3a /* ':' — this string is a member name */) {
        const frame = frames[depth - 1]!;
        const key = decoded ?? (escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : raw);
        if (frame.keys!.has(key)) {
          frame.key = '';
          const at = pathOf(frames, depth);
          throw new StrictJsonError(
            'JSON_DUPLICATE_KEY',
            `JSON object at ${at} repeats the key ${JSON.stringify(key)} (position ${i})`,
            memberPath(at, key),
            i,
          );
        }
        frame.keys!.add(key);
        frame.key = key;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= maxDepth) {
        const at = pathOf(frames, depth);
        throw new StrictJsonError(
          'JSON_TOO_DEEP',
          `JSON nests deeper than ${maxDepth} levels at ${at} (position ${i})`,
          at,
          i,
        );
      }
      frames[depth] = { keys: c === 0x7b ? new Set<string>() : null, index: 0, key: '' };
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */) {
      frames[depth - 1]!.index++;
    }
  }
}

function positionOf(message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses JSON text strictly. Throws StrictJsonError with code JSON_MALFORMED (syntax, or a lone surrogate),
 * JSON_DUPLICATE_KEY (any depth) or JSON_TOO_DEEP (more than `maxDepth` nested containers).
 */
export function parseStrictJson(text: string, opts: StrictJsonOptions = {}): unknown {
  if (typeof text !== 'string') throw new TypeError(`text: expected string, got ${typeof text}`);
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth: expected a positive integer, got ${String(maxDepth)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text); // RFC 8259 grammar
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new StrictJsonError('JSON_MALFORMED', `JSON is malformed: ${message}`, undefined, positionOf(message));
  }
  checkParsedText(text, maxDepth);
  return value;
}

/**
 * The checks of parseStrictJson beyond the grammar, for a text the caller has already parsed with JSON.parse (so
 * it is not parsed twice): throws StrictJsonError as parseStrictJson would.
 */
export function checkStrictJsonText(text: string, opts: StrictJsonOptions = {}): void {
  checkParsedText(text, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
}

function checkParsedText(text: string, maxDepth: number): void {
  // Raw (unescaped) lone surrogates can only sit inside strings in valid JSON; one native pass finds them.
  const raw = LONE_SURROGATE.exec(text);
  if (raw !== null) {
    throw new StrictJsonError(
      'JSON_MALFORMED',
      `JSON text contains a lone UTF-16 surrogate at position ${raw.index}; RFC 8785 cannot encode it`,
      undefined,
      raw.index,
    );
  }
  scanStructure(text, maxDepth);
}

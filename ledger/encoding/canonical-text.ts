// Is this JSON text already in RFC 8785 (JCS) form? Answered by one scan of the text, without serialising the value
// again: verifiers check every ledger entry for canonical form, and re-canonicalising each parsed entry with
// `canonicalize` (canonical.ts) was, with the garbage it leaves, the largest share of an audit replay's main thread
// after signature checks. The reference stays `canonicalize`: property tests check that this scan says true exactly
// when canonicalize(JSON.parse(text)) === text. Browser-safe.
//
// For text that JSON.parse accepts, it is canonical iff (RFC 8785 §3.2):
//   - there is no whitespace outside strings (§3.2.1);
//   - every object's member names are in strictly increasing order of UTF-16 code units (§3.2.3), which also rules
//     out duplicate names;
//   - every string is written as ECMAScript's JSON.stringify writes it (§3.2.2.2): `\"`, `\\`, `\b`, `\t`, `\n`,
//     `\f`, `\r`, the other controls below U+0020 as `\u00xx` in lowercase hex, everything else literally (so no
//     `\/` and no other `\u` escape), and no lone surrogate;
//   - every number is written as ECMAScript's Number.prototype.toString writes it (§3.2.2.3), so `-0`, `1.0`, `1E3`
//     and `0.1e1` are not canonical.

/** Where a scan found the members of the top-level object: start offsets of each member's value, in text order. */
export interface CanonicalScan {
  readonly valueStarts: readonly number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Short escapes JSON.stringify uses, by the escaped character; every other control is `\u00xx`. */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 0x62 /* b */, 0x66 /* f */, 0x6e /* n */, 0x72 /* r */, 0x74 /* t */]);
const HAS_SHORT_FORM = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d]);

function isLowerHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
}

/** Offset of the closing quote when the string opened at `start` is written canonically, else -1. */
function canonicalStringEnd(text: string, start: number): number {
  const n = text.length;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH) {
      const e = text.charCodeAt(++i);
      if (SHORT_ESCAPES.has(e)) continue;
      if (e !== 0x75 /* u */) return -1; // e.g. \/
      if (text.charCodeAt(i + 1) !== 0x30 || text.charCodeAt(i + 2) !== 0x30) return -1; // only \u00xx is canonical
      const h1 = text.charCodeAt(i + 3);
      const h2 = text.charCodeAt(i + 4);
      if (!isLowerHex(h1) || !isLowerHex(h2)) return -1;
      const code = parseInt(text.slice(i + 3, i + 5), 16);
      if (code >= 0x20 || HAS_SHORT_FORM.has(code)) return -1;
      i += 4;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A surrogate is canonical only as the first half of a pair followed by its second half.
      if (c >= 0xdc00) return -1;
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return -1;
      i++;
    }
  }
  return -1;
}

function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

/**
 * Scans `text`, which JSON.parse must already have accepted (the grammar is trusted, not re-checked), and says
 * whether it is RFC 8785 canonical with no more than `maxDepth` nested containers. When it is and the top level is
 * an object, also returns where each top-level member's value starts. Undefined means "not canonical".
 */
export function scanCanonicalJson(text: string, maxDepth = 64): CanonicalScan | undefined {
  const lastKey: (string | undefined)[] = []; // per open container: the previous member name (objects)
  const valueStarts: number[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = canonicalStringEnd(text, i);
      if (end < 0) return undefined;
      if (text.charCodeAt(end + 1) === COLON) {
        // A member name: names must strictly increase within their object (this also excludes duplicates).
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        const prev = lastKey[depth - 1];
        if (prev !== undefined && !(prev < key)) return undefined;
        lastKey[depth - 1] = key;
        if (depth === 1) valueStarts.push(end + 2);
        i = end + 1; // the colon
      } else {
        i = end;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth >= maxDepth) return undefined;
      lastKey[depth] = undefined;
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      if (String(Number(token)) !== token) return undefined;
      i = j - 1;
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      return undefined; // whitespace outside strings
    }
    // ',' ':' and the letters of true, false and null need no check.
  }
  return { valueStarts };
}

/** True when `text` (accepted by JSON.parse) is RFC 8785 canonical JSON. */
export function isCanonicalJsonText(text: string, maxDepth?: number): boolean {
  return scanCanonicalJson(text, maxDepth) !== undefined;
}

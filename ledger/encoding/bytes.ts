// Byte helpers shared by every layer: hex, base64, UTF-8, concatenation, comparison.
// Browser-safe (no Buffer, no node: imports), because the web verifier bundles this file.
//
// Decoders are strict: a value has exactly one accepted text form, so two different strings never decode to the
// same bytes (important wherever a decoded value is later re-encoded and compared, e.g. signed notes).

const HEX_DIGITS = '0123456789abcdef';
const HEX_TABLE: readonly string[] = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

// RFC 4648 §4: the standard base64 alphabet (not the URL-safe one of §5).
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64_ALPHABET.length; i++) B64_VALUE[B64_ALPHABET.charCodeAt(i)] = i;

function assertBytes(b: unknown, field: string): asserts b is Uint8Array {
  if (!(b instanceof Uint8Array)) throw new TypeError(`${field}: expected Uint8Array, got ${describe(b)}`);
}

function assertString(s: unknown, field: string): asserts s is string {
  if (typeof s !== 'string') throw new TypeError(`${field}: expected string, got ${describe(s)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}

/** Lowercase hex of `b`. */
export function toHex(b: Uint8Array): string {
  assertBytes(b, 'bytes');
  let out = '';
  for (let i = 0; i < b.length; i++) out += HEX_TABLE[b[i]!]!;
  return out;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Bytes of a hex string (either case). Throws TypeError naming `field` on odd length or a non-hex character. */
export function fromHex(s: string, field = 'hex'): Uint8Array {
  assertString(s, field);
  if (s.length % 2 !== 0) throw new TypeError(`${field}: hex string has odd length ${s.length}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      throw new TypeError(`${field}: non-hex character ${JSON.stringify(s[at])} at position ${at}`);
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** RFC 4648 §4 base64 with padding. */
export function toBase64(b: Uint8Array): string {
  assertBytes(b, 'bytes');
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + B64_ALPHABET[(n >> 6) & 63]! + B64_ALPHABET[n & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i]! << 16;
    out += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    out += B64_ALPHABET[n >> 18]! + B64_ALPHABET[(n >> 12) & 63]! + B64_ALPHABET[(n >> 6) & 63]! + '=';
  }
  return out;
}

function b64Value(s: string, at: number, field: string): number {
  const c = s.charCodeAt(at);
  const v = c < 128 ? B64_VALUE[c]! : -1;
  if (v < 0) throw new TypeError(`${field}: invalid base64 character ${JSON.stringify(s[at])} at position ${at}`);
  return v;
}

/**
 * Bytes of standard, padded base64 (RFC 4648 §4). Strict: no whitespace, no URL-safe alphabet, length a multiple
 * of 4, padding only at the end, and the unused low bits of the last character zero (RFC 4648 §3.5 canonical
 * encoding), so that every byte string has exactly one accepted encoding. Throws TypeError naming `field`.
 */
export function fromBase64(s: string, field = 'base64'): Uint8Array {
  assertString(s, field);
  if (s.length % 4 !== 0) throw new TypeError(`${field}: base64 length ${s.length} is not a multiple of 4`);
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  const full = s.length - (pad > 0 ? 4 : 0);
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const n =
      (b64Value(s, i, field) << 18) |
      (b64Value(s, i + 1, field) << 12) |
      (b64Value(s, i + 2, field) << 6) |
      b64Value(s, i + 3, field);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (pad > 0) {
    const a = b64Value(s, full, field);
    const b = b64Value(s, full + 1, field);
    if (pad === 2) {
      if ((b & 15) !== 0) throw new TypeError(`${field}: non-canonical base64 (unused bits set) at position ${full + 1}`);
      out[o] = (a << 2) | (b >> 4);
    } else {
      const c = b64Value(s, full + 2, field);
      if ((c & 3) !== 0) throw new TypeError(`${field}: non-canonical base64 (unused bits set) at position ${full + 2}`);
      out[o++] = (a << 2) | (b >> 4);
      out[o] = ((b & 15) << 4) | (c >> 2);
    }
  }
  return out;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `s`. Lone surrogates become U+FFFD (the WHATWG encoder's rule); reject them upstream if needed. */
export function utf8(s: string): Uint8Array {
  assertString(s, 'string');
  return encoder.encode(s);
}

/** A new array holding `parts` back to back. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    assertBytes(p, `parts[${i}]`);
    total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes. Not constant-time: use for public data only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// C2SP signed-note keys: names, key hashes (key IDs) and the text forms of verifier and signer keys.
//   key ID       = SHA-256(name ‖ "\n" ‖ alg ‖ public key)[:4]        // C2SP signed-note, "Signatures"
//   verifier key = name "+" hex(key ID) "+" base64(alg ‖ public key)   // C2SP signed-note, vkeys; Go sumdb/note
//   signer key   = "PRIVATE+KEY+" name "+" hex(key ID) "+" base64(alg ‖ seed)  // Go sumdb/note NewSigner
// Alg 0x01 is Ed25519 over the note text; alg 0x04 (cosignature.ts) reuses this encoding. Browser-safe.
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from '../encoding/bytes.js';
import { checkPublicKey, publicKeyFromSeed } from '../crypto/ed25519.js';
import { NoteError } from './note-error.js';

/** C2SP signed-note signature type 0x01: Ed25519. */
export const ALG_ED25519 = 0x01;

export interface VerifierKey {
  readonly name: string;
  /** The 4-byte key ID. */
  readonly keyHash: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  readonly seed: Uint8Array;
}

// Go unicode.IsSpace: ASCII whitespace, U+0085, U+00A0 and the Unicode White_Space separators.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C2SP signed-note: key names are non-empty and contain no Unicode spaces and no '+'. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name !== '' &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !LONE_SURROGATE.test(name)
  );
}

function assertName(name: string, field: string): void {
  if (!isValidKeyName(name)) {
    throw new TypeError(`${field}: ${JSON.stringify(name)} is not a valid note key name (non-empty, no spaces, no '+')`);
  }
}

/** Key ID for `alg` and public key material: SHA-256(name ‖ 0x0A ‖ alg ‖ key)[:4]. */
export function keyIdFor(name: string, alg: number, key: Uint8Array): Uint8Array {
  assertName(name, 'name');
  return sha256(concatBytes(utf8(name + '\n'), Uint8Array.of(alg), key)).subarray(0, 4);
}

/** Ed25519 note key hash: SHA-256(name ‖ "\n" ‖ 0x01 ‖ pk)[:4]. */
export function noteKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new TypeError('publicKey: expected 32 bytes');
  }
  return keyIdFor(name, ALG_ED25519, publicKey);
}

/** `name+hex8+base64(alg ‖ key)`. */
export function formatVkey(name: string, alg: number, key: Uint8Array): string {
  return `${name}+${toHex(keyIdFor(name, alg, key))}+${toBase64(concatBytes(Uint8Array.of(alg), key))}`;
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  noteKeyHash(name, publicKey); // validates name and key length
  return formatVkey(name, ALG_ED25519, publicKey);
}

interface VkeyParts {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly alg: number;
  readonly key: Uint8Array;
}

/** Splits `name+hash+base64(alg ‖ key)` and checks its shape (not the hash). Throws NoteError. */
function splitVkey(s: string, what: string): VkeyParts {
  if (typeof s !== 'string') throw new TypeError(`${what}: expected string`);
  // Split at the first two '+' only, as Go's note.NewVerifier does: base64 itself may contain '+'.
  const first = s.indexOf('+');
  const second = first < 0 ? -1 : s.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('NOTE_KEY_MALFORMED', `${what} must be name+keyhash+base64key`);
  const name = s.slice(0, first);
  const hash16 = s.slice(first + 1, second);
  const key64 = s.slice(second + 1);
  if (!isValidKeyName(name)) throw new NoteError('NOTE_KEY_MALFORMED', `${what}: invalid key name ${JSON.stringify(name)}`);
  if (!/^[0-9a-fA-F]{8}$/.test(hash16)) throw new NoteError('NOTE_KEY_MALFORMED', `${what}: key hash must be 8 hex digits`);
  let material: Uint8Array;
  try {
    material = fromBase64(key64, 'key');
  } catch (e) {
    throw new NoteError('NOTE_KEY_MALFORMED', `${what}: ${(e as Error).message}`);
  }
  if (material.length < 2) throw new NoteError('NOTE_KEY_MALFORMED', `${what}: key material is empty`);
  return { name, keyHash: fromHex(hash16), alg: material[0]!, key: material.slice(1) };
}

/** Splits and checks `name+hash+base64(alg ‖ key)`; the hash must match name, alg and key. Throws NoteError. */
export function parseVkeyParts(s: string, what: string): VkeyParts {
  const parts = splitVkey(s, what);
  if (!equalBytes(keyIdFor(parts.name, parts.alg, parts.key), parts.keyHash)) {
    throw new NoteError('NOTE_KEY_HASH_MISMATCH', `${what}: key hash ${toHex(parts.keyHash)} does not match name and key`);
  }
  return parts;
}

function assertEd25519(parts: VkeyParts, what: string, expectedAlg: number): void {
  if (parts.alg !== expectedAlg) {
    throw new NoteError('NOTE_KEY_UNSUPPORTED', `${what}: signature type 0x${parts.alg.toString(16).padStart(2, '0')} is not supported here`);
  }
  if (parts.key.length !== 32) throw new NoteError('NOTE_KEY_MALFORMED', `${what}: Ed25519 key must be 32 bytes`);
}

/** Parses an Ed25519 key of signature type `alg` (0x01 notes, 0x04 cosignatures) and applies our key policy. */
export function parseEd25519Vkey(s: string, alg: number, what: string): VerifierKey {
  const parts = parseVkeyParts(s, what);
  assertEd25519(parts, what, alg);
  const policy = checkPublicKey(parts.key);
  if (!policy.ok) throw new NoteError('NOTE_KEY_UNSUPPORTED', `${what}: ${policy.reason}`);
  return { name: parts.name, keyHash: parts.keyHash, publicKey: parts.key };
}

/** Parses `name+hash+base64(0x01 ‖ pk)` (C2SP signed-note Ed25519 verifier key). Throws NoteError. */
export function parseVerifierKey(s: string): VerifierKey {
  return parseEd25519Vkey(s, ALG_ED25519, 'verifier key');
}

/** `PRIVATE+KEY+name+hash+base64(0x01 ‖ seed)`: Go sumdb/note's signer key form. Keep it secret. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const publicKey = publicKeyFromSeed(seed);
  return `PRIVATE+KEY+${name}+${toHex(noteKeyHash(name, publicKey))}+${toBase64(concatBytes(Uint8Array.of(ALG_ED25519), seed))}`;
}

/** Parses a signer key; the key hash is checked against the public key derived from the seed. */
export function parseSignerKey(s: string): SignerKey {
  if (typeof s !== 'string') throw new TypeError('signer key: expected string');
  if (!s.startsWith('PRIVATE+KEY+')) throw new NoteError('NOTE_KEY_MALFORMED', 'signer key must start with PRIVATE+KEY+');
  // The hash in a signer key covers the public key, not the seed: it is checked after deriving the key.
  const parts = splitVkey(s.slice('PRIVATE+KEY+'.length), 'signer key');
  assertEd25519(parts, 'signer key', ALG_ED25519);
  const publicKey = publicKeyFromSeed(parts.key);
  if (!equalBytes(noteKeyHash(parts.name, publicKey), parts.keyHash)) {
    throw new NoteError('NOTE_KEY_HASH_MISMATCH', 'signer key: key hash does not match the key derived from the seed');
  }
  return { name: parts.name, keyHash: parts.keyHash, publicKey, seed: parts.key };
}

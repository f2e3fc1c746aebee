// C2SP signed-note with Ed25519 (signature type 0x01): sign a text, and open a signed note against known keys.
// Behaviour follows the spec and Go's golang.org/x/mod/sumdb/note (Open/Sign), which checks our checkpoints:
//  - the note is valid Unicode with no ASCII control characters but newline;
//  - text = everything up to and including the newline before the LAST blank line; then ≥ 1 signature lines
//    "— <name> <base64(keyID ‖ sig)>\n";
//  - a signature whose (name, key ID) matches no known key is kept as unverified, never verified;
//  - a signature from a known key that does not verify rejects the WHOLE note (NOTE_INVALID_SIGNATURE), as Go's
//    InvalidSignatureError does (the spec says SHOULD);
//  - a note with no verified signature is rejected (NOTE_UNVERIFIED), as the spec's MUST and Go's
//    UnverifiedNoteError; pass { allowUnverified: true } to inspect such a note anyway (its text is then untrusted);
//  - at most 100 signature lines (Go's limit) and 1 MiB; duplicate lines are dropped as Go does.
// Browser-safe.
import { concatBytes, equalBytes, fromBase64, toBase64, toHex, utf8 } from '../encoding/bytes.js';
import { sign as ed25519Sign, publicKeyFromSeed, verify as ed25519Verify } from '../crypto/ed25519.js';
import { NoteError } from './note-error.js';
import { type VerifierKey, isValidKeyName, noteKeyHash } from './note-keys.js';

export { NoteError, type NoteErrorCode } from './note-error.js';
export {
  type SignerKey,
  type VerifierKey,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  noteKeyHash,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.js';

export const MAX_NOTE_BYTES = 1 << 20;
export const MAX_NOTE_SIGNATURES = 100;
const SIG_PREFIX = '\u2014 '; // em dash, space
// C2SP signed-note: no ASCII control characters other than newline.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface NoteSigner {
  readonly name: string;
  readonly seed: Uint8Array;
  /** Optional faster signer for the same key (e.g. node:crypto's signFast); Ed25519 is deterministic: same bytes. */
  readonly sign?: (seed: Uint8Array, msg: Uint8Array) => Uint8Array;
  /** The public key of `seed`, when the caller already has it (saves a scalar multiplication per note). */
  readonly publicKey?: Uint8Array;
}

export interface OpenedNote {
  readonly text: string;
  readonly verified: { readonly name: string; readonly keyHash: Uint8Array }[];
  /** Signatures by keys not in the verifier list (e.g. witness cosignatures); `sig` excludes the key ID. */
  readonly unverified: { readonly name: string; readonly keyHash: Uint8Array; readonly sig: Uint8Array }[];
}

export interface OpenNoteOptions {
  /** Return a note with no verified signature instead of throwing NOTE_UNVERIFIED. */
  readonly allowUnverified?: boolean;
  /** Signature check; defaults to the portable Ed25519 rule (ed25519.ts). Pass FastVerifier#verify on servers. */
  readonly verify?: (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;
}

function textProblem(text: string): string | undefined {
  if (!text.endsWith('\n')) return 'note text must end with a newline';
  const control = CONTROL.exec(text);
  if (control) return `note text contains control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at position ${control.index}`;
  if (LONE_SURROGATE.test(text)) return 'note text is not valid Unicode (lone surrogate)';
  return undefined;
}

/** The signed note: text ‖ "\n" ‖ one signature line per signer (C2SP signed-note, Format). */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  if (typeof text !== 'string') throw new TypeError('text: expected string');
  const problem = textProblem(text);
  if (problem !== undefined) throw new TypeError(`text: ${problem}`);
  if (!Array.isArray(signers) || signers.length === 0) throw new TypeError('signers: expected at least one signer');
  const msg = utf8(text);
  const seen = new Set<string>();
  let lines = '';
  for (const [i, s] of signers.entries()) {
    if (!isValidKeyName(s.name)) throw new TypeError(`signers[${i}].name: invalid note key name ${JSON.stringify(s.name)}`);
    const sig = (s.sign ?? ed25519Sign)(s.seed, msg);
    const keyHash = noteKeyHash(s.name, s.publicKey ?? publicKeyFromSeed(s.seed));
    const id = `${s.name}+${toHex(keyHash)}`;
    if (seen.has(id)) throw new TypeError(`signers[${i}]: duplicate signer ${id}`);
    seen.add(id);
    lines += `${SIG_PREFIX}${s.name} ${toBase64(concatBytes(keyHash, sig))}\n`;
  }
  const note = `${text}\n${lines}`;
  if (note.length > MAX_NOTE_BYTES || utf8(note).length > MAX_NOTE_BYTES) {
    throw new RangeError(`text: the signed note would exceed ${MAX_NOTE_BYTES} bytes`);
  }
  return note;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): NoteError {
  return new NoteError('NOTE_MALFORMED', `malformed signed note: ${why}`);
}

// The note as a string, within the size limit and valid Unicode.
function noteString(note: string | Uint8Array): string {
  if (note instanceof Uint8Array) {
    if (note.length > MAX_NOTE_BYTES) throw new NoteError('NOTE_TOO_LARGE', `signed note exceeds ${MAX_NOTE_BYTES} bytes`);
    try {
      return utf8Decoder.decode(note);
    } catch {
      throw malformed('not valid UTF-8');
    }
  }
  if (typeof note !== 'string') throw new TypeError('note: expected string or Uint8Array');
  // UTF-8 never takes fewer bytes than UTF-16 code units, so this bounds the work before encoding.
  if (note.length > MAX_NOTE_BYTES || utf8(note).length > MAX_NOTE_BYTES) {
    throw new NoteError('NOTE_TOO_LARGE', `signed note exceeds ${MAX_NOTE_BYTES} bytes`);
  }
  if (LONE_SURROGATE.test(note)) throw malformed('not valid Unicode (lone surrogate)');
  return note;
}

function indexVerifiers(verifiers: readonly VerifierKey[]): Map<string, VerifierKey> {
  if (!Array.isArray(verifiers)) throw new TypeError('verifiers: expected an array of VerifierKey');
  const known = new Map<string, VerifierKey>();
  for (const [i, v] of verifiers.entries()) {
    if (!equalBytes(noteKeyHash(v.name, v.publicKey), v.keyHash)) {
      throw new TypeError(`verifiers[${i}]: keyHash does not match name and publicKey`);
    }
    const id = `${v.name}+${toHex(v.keyHash)}`;
    const other = known.get(id);
    if (other !== undefined && !equalBytes(other.publicKey, v.publicKey)) {
      throw new TypeError(`verifiers[${i}]: two different keys share the name and key hash ${id}`);
    }
    known.set(id, v);
  }
  return known;
}

interface SignatureLine {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly sig: Uint8Array;
}

// "— <name> <base64(keyID ‖ sig)>" (C2SP signed-note, Signatures).
function parseSignatureLine(line: string, n: number): SignatureLine {
  if (!line.startsWith(SIG_PREFIX)) throw malformed(`signature line ${n} does not start with "— "`);
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const b64 = space < 0 ? '' : rest.slice(space + 1);
  if (!isValidKeyName(name)) throw malformed(`signature line ${n} has an invalid key name`);
  let raw: Uint8Array;
  try {
    raw = fromBase64(b64, 'signature');
  } catch {
    throw malformed(`signature line ${n} is not "— name base64"`);
  }
  if (raw.length < 5) throw malformed(`signature line ${n} is too short`);
  return { name, keyHash: raw.slice(0, 4), sig: raw.slice(4) };
}

/**
 * Opens a signed note: checks its form, verifies every signature by a known key, and returns the text with the
 * verified and unverified signatures. Throws NoteError (see the header for which cases).
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly VerifierKey[],
  opts: OpenNoteOptions = {},
): OpenedNote {
  const str = noteString(note);
  const known = indexVerifiers(verifiers);
  const verify = opts.verify ?? ed25519Verify;
  const control = CONTROL.exec(str); // C2SP signed-note: no ASCII control characters other than newline
  if (control) throw malformed(`control character at position ${control.index}`);
  const split = str.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = str.slice(0, split + 1);
  const block = str.slice(split + 2);
  if (block === '') throw malformed('no signature lines');
  if (!block.endsWith('\n')) throw malformed('the last signature line does not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new NoteError('NOTE_TOO_MANY_SIGNATURES', `signed note has ${lines.length} signature lines (limit ${MAX_NOTE_SIGNATURES})`);
  }
  const verified: OpenedNote['verified'] = [];
  const unverified: OpenedNote['unverified'] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  let textBytes: Uint8Array | undefined;
  for (const [i, line] of lines.entries()) {
    const { name, keyHash, sig } = parseSignatureLine(line, i + 1);
    const id = `${name}+${toHex(keyHash)}`;
    const key = known.get(id);
    if (key === undefined) {
      // C2SP signed-note: signatures from unknown keys MUST be ignored (kept here for cosignature checks).
      if (!seenUnknown.has(line)) unverified.push({ name, keyHash, sig });
      seenUnknown.add(line);
      continue;
    }
    if (seenKnown.has(id)) continue;
    seenKnown.add(id);
    textBytes ??= utf8(text);
    if (!verify(sig, textBytes, key.publicKey)) {
      throw new NoteError('NOTE_INVALID_SIGNATURE', `the signature by known key ${id} does not verify`);
    }
    verified.push({ name, keyHash });
  }
  if (verified.length === 0 && opts.allowUnverified !== true) {
    const expected = [...known.keys()].join(', ') || 'none given';
    throw new NoteError('NOTE_UNVERIFIED', `no signature by a known key (known keys: ${expected})`);
  }
  return { text, verified, unverified };
}

// C2SP tlog-cosignature v1 with Ed25519 (signature type 0x04): a witness's timestamped statement that, as of
// `time`, this is the largest consistent checkpoint it has seen for the log.
//   key ID  = SHA-256(name ‖ "\n" ‖ 0x04 ‖ pk)[:4]
//   message = "cosignature/v1\n" ‖ "time <decimal POSIX seconds>\n" ‖ checkpoint note text
//   line    = "— <name> " base64(key ID ‖ u64 big-endian timestamp ‖ Ed25519 signature)
// A cosignature line is an ordinary note signature line, so it is appended to the log's signed note and comes back
// from openNote among the `unverified` signatures (the log key does not know it). Browser-safe.
import { concatBytes, equalBytes, toBase64, utf8 } from '../encoding/bytes.js';
import { publicKeyFromSeed, sign as ed25519Sign, verify as ed25519Verify } from '../crypto/ed25519.js';
import { parseCheckpointBody } from './checkpoint-body.js';
import { type VerifierKey, formatVkey, isValidKeyName, keyIdFor, parseEd25519Vkey } from './note-keys.js';

/** C2SP signed-note signature type 0x04: timestamped Ed25519 witness cosignature. */
export const ALG_COSIGNATURE_V1 = 0x04;
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER; // the spec allows up to 2^63 − 1; we keep JavaScript numbers exact

export interface Cosigner {
  readonly name: string;
  readonly seed: Uint8Array;
}

/** SHA-256(name ‖ "\n" ‖ 0x04 ‖ pk)[:4] (C2SP tlog-cosignature, Format). */
export function cosignerKeyHash(name: string, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) throw new TypeError('publicKey: expected 32 bytes');
  return keyIdFor(name, ALG_COSIGNATURE_V1, publicKey);
}

/** The cosigner's vkey: `name+hex(keyID)+base64(0x04 ‖ pk)`. */
export function formatCosignerVerifierKey(name: string, publicKey: Uint8Array): string {
  cosignerKeyHash(name, publicKey); // validates
  return formatVkey(name, ALG_COSIGNATURE_V1, publicKey);
}

/** Parses a cosigner vkey (type 0x04). Throws NoteError. */
export function parseCosignerVerifierKey(s: string): VerifierKey {
  return parseEd25519Vkey(s, ALG_COSIGNATURE_V1, 'cosigner key');
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) {
    throw new RangeError(`timestamp: expected POSIX seconds as a non-negative safe integer, got ${String(timestamp)}`);
  }
}

/** The bytes an Ed25519 cosignature covers (C2SP tlog-cosignature, "Ed25519 signed message"). */
export function cosignatureMessage(checkpointText: string, timestamp: number): Uint8Array {
  assertTimestamp(timestamp);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/** The cosignature line (ending in "\n") for a checkpoint's note text, to append to the log's signed note. */
export function cosign(checkpointText: string, cosigner: Cosigner, timestamp: number): string {
  parseCheckpointBody(checkpointText); // a cosigner only signs checkpoints
  if (!checkpointText.endsWith('\n')) throw new TypeError('checkpointText: must end with a newline');
  if (!isValidKeyName(cosigner.name)) throw new TypeError(`cosigner.name: invalid note key name ${JSON.stringify(cosigner.name)}`);
  const keyId = cosignerKeyHash(cosigner.name, publicKeyFromSeed(cosigner.seed));
  const sig = ed25519Sign(cosigner.seed, cosignatureMessage(checkpointText, timestamp));
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(timestamp)); // big-endian, RFC 8446 §3.3
  return `\u2014 ${cosigner.name} ${toBase64(concatBytes(keyId, ts, sig))}\n`;
}

export type CosignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks one signature from openNote's `unverified` list (name, keyHash, sig = timestamp ‖ Ed25519 signature)
 * against a cosigner key. Returns the signed timestamp when it verifies.
 */
export function verifyCosignature(
  checkpointText: string,
  entry: { readonly name: string; readonly keyHash: Uint8Array; readonly sig: Uint8Array },
  key: VerifierKey,
  verify: (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean = ed25519Verify,
): CosignatureCheck {
  if (entry.name !== key.name || !equalBytes(entry.keyHash, key.keyHash)) {
    return { ok: false, reason: 'the signature is not by this cosigner key' };
  }
  if (!equalBytes(cosignerKeyHash(key.name, key.publicKey), key.keyHash)) {
    throw new TypeError('key: not a cosignature (type 0x04) key: its keyHash does not match');
  }
  if (entry.sig.length !== 8 + 64) return { ok: false, reason: 'a cosignature is 8 + 64 bytes' };
  const ts = new DataView(entry.sig.buffer, entry.sig.byteOffset, 8).getBigUint64(0);
  if (ts > BigInt(MAX_TIMESTAMP)) return { ok: false, reason: 'timestamp out of range' };
  const timestamp = Number(ts);
  const msg = cosignatureMessage(checkpointText, timestamp);
  if (!verify(entry.sig.subarray(8), msg, key.publicKey)) return { ok: false, reason: 'the cosignature does not verify' };
  return { ok: true, timestamp };
}

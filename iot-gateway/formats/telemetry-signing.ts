// The bytes a device signs, and signing helpers for device firmware, the simulator and tests. Browser-safe.
// A signature covers DOMAIN ‖ RFC 8785(message without `sig`); the domain is `reading` for a single reading and
// `readingBatch` for a batch, so one can never stand for the other.
import { domainMessage, type Domain } from '../../ledger/crypto/domain.js';
import { sign } from '../../ledger/crypto/ed25519.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import type { BatchItem, Reading, ReadingBatch, SignedReading, TelemetryMessage } from './telemetry-message.js';

/** A signing function: Ed25519 of `msg` with the key of `seed` (the portable one by default). */
export type SignFn = (seed: Uint8Array, msg: Uint8Array) => Uint8Array;

export function signingDomain(message: { readonly kind: string }): Domain {
  return message.kind === 'batch' ? 'readingBatch' : 'reading';
}

/** The message minus its `sig` member: what the signature covers (after the domain label). */
export function withoutSig(message: object): object {
  const { sig: _sig, ...rest } = message as { sig?: unknown };
  return rest;
}

/** The exact bytes the device's signature covers: domain label ‖ RFC 8785 of the message minus `sig`. */
export function telemetrySigningBytes(message: TelemetryMessage | Reading | Omit<ReadingBatch, 'sig'>): Uint8Array {
  return domainMessage(signingDomain(message), canonicalBytes(withoutSig(message))); // RFC 8785
}

/** A reading signed by its device. */
export function signReading(reading: Reading, seed: Uint8Array, signFn: SignFn = sign): SignedReading {
  const bare = withoutSig(reading) as Reading;
  return { ...bare, sig: toBase64(signFn(seed, telemetrySigningBytes(bare))) };
}

/** Many readings of one device under one signature. */
export function signBatch(device: string, readings: readonly BatchItem[], seed: Uint8Array, signFn: SignFn = sign): ReadingBatch {
  const unsigned = { device, kind: 'batch' as const, readings };
  return { ...unsigned, sig: toBase64(signFn(seed, telemetrySigningBytes(unsigned))) };
}

// Verification of one telemetry message against the topic it arrived on and the device's ledger record. Pure:
// time, the device record and the signature verifier come in as arguments. Sequence numbers are checked where
// they must be atomic with the write (the TelemetryStore, see sequence.ts).
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toHex } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import { reject, type Rejection } from '../formats/rejection.js';
import { channelOf, type Channel, type Reading, type TelemetryMessage } from '../formats/telemetry-message.js';
import { telemetrySigningBytes } from '../formats/telemetry-signing.js';
import type { DeviceInfo } from './device-info.js';

export type VerifyFn = (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;

export interface VerifyContext {
  readonly nowMs: number;
  /** A reading may be at most this far ahead of the gateway clock (device clock drift). */
  readonly maxFutureMs: number;
  /** A reading may be at most this old (devices buffer while offline, then retransmit). */
  readonly maxAgeMs: number;
  readonly verify: VerifyFn;
}

/** Where a message arrived: parsed from `lh/v1/{warehouse}/{device}/{channel}`. */
export interface Arrival {
  readonly warehouse: string;
  readonly device: string;
  readonly channel: Channel;
}

/** How a stored reading is tied to its signature: its own, or the batch message it came in. */
export type Evidence = { readonly sig: string } | { readonly batch: string };

export interface Verified {
  readonly ok: true;
  readonly readings: readonly Reading[];
  readonly evidence: Evidence;
  /** For a batch: RFC 8785 bytes of the whole signed batch message, kept so anyone can re-check the signature. */
  readonly batchMessage?: Uint8Array;
}

export type Verdict = Verified | ({ readonly ok: false } & Rejection);

export const DEFAULT_SKEW = { maxFutureMs: 60_000, maxAgeMs: 24 * 3_600_000 } as const;

/** The readings a message carries, each with its device. */
export function readingsOf(message: TelemetryMessage): Reading[] {
  if (message.kind !== 'batch') {
    const { sig: _sig, ...reading } = message;
    return [reading as Reading];
  }
  return message.readings.map((item) => ({ device: message.device, ...item }) as Reading);
}

function kindAllowed(device: DeviceInfo, kind: Reading['kind']): boolean {
  if (kind === 'status') return true; // every device may report its health
  return (device.kinds as readonly string[]).includes(kind);
}

function skewProblem(readings: readonly Reading[], ctx: VerifyContext): string | undefined {
  for (const r of readings) {
    const t = Date.parse(r.ts);
    if (!Number.isFinite(t)) return `seq ${r.seq}: ts '${r.ts}' is not a real time`;
    if (t > ctx.nowMs + ctx.maxFutureMs) return `seq ${r.seq}: ts ${r.ts} is more than ${ctx.maxFutureMs} ms ahead of the gateway clock`;
    if (t < ctx.nowMs - ctx.maxAgeMs) return `seq ${r.seq}: ts ${r.ts} is older than ${ctx.maxAgeMs} ms`;
  }
  return undefined;
}

function signatureOk(message: TelemetryMessage, device: DeviceInfo, ctx: VerifyContext): boolean {
  let sig: Uint8Array;
  try {
    sig = fromBase64(message.sig, 'sig');
  } catch {
    return false;
  }
  return ctx.verify(sig, telemetrySigningBytes(message), device.publicKey); // RFC 8032 over DOMAIN ‖ RFC 8785
}

/** Checks, cheapest first: topic ↔ payload, device record, kinds, time window, then the Ed25519 signature. */
export function verifyMessage(message: TelemetryMessage, arrival: Arrival, device: DeviceInfo | undefined, ctx: VerifyContext): Verdict {
  if (message.device !== arrival.device) return reject('TOPIC_MISMATCH', `payload device '${message.device}' published on the topic of '${arrival.device}'`);
  if (device === undefined) return reject('DEVICE_UNKNOWN', `no device '${arrival.device}' on the ledger`);
  if (device.warehouse !== arrival.warehouse) return reject('TOPIC_MISMATCH', `device '${device.id}' belongs to warehouse '${device.warehouse}', not '${arrival.warehouse}'`);
  if (device.status !== 'active') return reject('DEVICE_REVOKED', `device '${device.id}' is revoked`);
  const readings = readingsOf(message);
  for (const r of readings) {
    if (channelOf(r.kind) !== arrival.channel) return reject('TOPIC_MISMATCH', `a '${r.kind}' reading does not belong on the '${arrival.channel}' channel`);
    if (!kindAllowed(device, r.kind)) return reject('KIND_NOT_ALLOWED', `device '${device.id}' is not registered for '${r.kind}'`);
  }
  const skew = skewProblem(readings, ctx);
  if (skew !== undefined) return reject('TIME_SKEW', skew);
  if (!signatureOk(message, device, ctx)) return reject('SIGNATURE_INVALID', `signature does not verify under the key of '${device.id}'`);
  if (message.kind !== 'batch') return { ok: true, readings, evidence: { sig: message.sig } };
  const bytes = canonicalBytes(message); // RFC 8785
  return { ok: true, readings, evidence: { batch: toHex(sha256(bytes)) }, batchMessage: bytes };
}

// Verification of one telemetry message against the topic it arrived on and the device's ledger record. Pure:
// time, the device record and the signature verifier come in as arguments. Sequence numbers are checked where
// they must be atomic with the write (the TelemetryStore, see sequence.ts).
import { fromBase64, toHex, utf8 } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import { sha256 } from '../../ledger/merkle/sha256.js';
import { reject, type Rejection } from '../formats/rejection.js';
import { channelOf, type Channel, type Reading, type TelemetryMessage } from '../formats/telemetry-message.js';
import { signingDomain, withoutSig } from '../formats/telemetry-signing.js';
import { domainMessage } from '../../ledger/crypto/domain.js';
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

function skewProblem(readings: readonly Reading[], ctx: Omit<VerifyContext, 'verify'>): string | undefined {
  for (const r of readings) {
    const t = Date.parse(r.ts);
    if (!Number.isFinite(t)) return `seq ${r.seq}: ts '${r.ts}' is not a real time`;
    if (t > ctx.nowMs + ctx.maxFutureMs) return `seq ${r.seq}: ts ${r.ts} is more than ${ctx.maxFutureMs} ms ahead of the gateway clock`;
    if (t < ctx.nowMs - ctx.maxAgeMs) return `seq ${r.seq}: ts ${r.ts} is older than ${ctx.maxAgeMs} ms`;
  }
  return undefined;
}

/** The Ed25519 check a message still needs: THE RULE over DOMAIN ‖ RFC 8785(message without `sig`). */
export interface SignatureJob {
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A message that passed every check but its signature. */
export interface Checked {
  readonly ok: true;
  readonly message: TelemetryMessage;
  readonly readings: readonly Reading[];
  /** Undefined when `sig` is not even base64: the signature is invalid without asking the verifier. */
  readonly job: SignatureJob | undefined;
  /** RFC 8785 of the message without `sig` (what the job signs, after the domain label). */
  readonly unsigned: Uint8Array;
}

function signatureJob(message: TelemetryMessage, device: DeviceInfo, unsigned: Uint8Array): SignatureJob | undefined {
  let sig: Uint8Array;
  try {
    sig = fromBase64(message.sig, 'sig');
  } catch {
    return undefined;
  }
  return { sig, msg: domainMessage(signingDomain(message), unsigned), publicKey: device.publicKey }; // RFC 8032 over DOMAIN ‖ RFC 8785
}

/**
 * RFC 8785 of the whole signed message from the bytes without `sig`: when `sig` sorts after every other member
 * (RFC 8785 §3.2.3 orders members by UTF-16 code units), it is the last member, so the full form is the unsigned
 * form with `,"sig":"…"` inserted before the closing brace. Otherwise (never for the documented formats) it is
 * serialised again.
 */
function signedBytes(message: TelemetryMessage, unsigned: Uint8Array): Uint8Array {
  const sigLast = Object.keys(message).every((k) => k <= 'sig') && unsigned.length > 2 && unsigned[unsigned.length - 1] === 0x7d;
  if (!sigLast) return canonicalBytes(message); // RFC 8785
  const tail = utf8(`,"sig":${JSON.stringify(message.sig)}}`); // RFC 8785 §3.2.2.2: strings serialise as JSON.stringify does
  const out = new Uint8Array(unsigned.length - 1 + tail.length);
  out.set(unsigned.subarray(0, unsigned.length - 1));
  out.set(tail, unsigned.length - 1);
  return out;
}

/** The verdict on a checked message once its signature has been verified (`sigOk`). */
export function verdictOf(checked: Checked, sigOk: boolean): Verdict {
  const { message, readings } = checked;
  if (!sigOk) return reject('SIGNATURE_INVALID', `signature does not verify under the key of '${message.device}'`);
  if (message.kind !== 'batch') return { ok: true, readings, evidence: { sig: message.sig } };
  const bytes = signedBytes(message, checked.unsigned);
  return { ok: true, readings, evidence: { batch: toHex(sha256(bytes)) }, batchMessage: bytes };
}

/**
 * Checks, cheapest first: topic ↔ payload, device record, kinds, time window; leaves the signature to the caller.
 * `unsigned`, when the caller has it (parseTelemetry cuts it from an RFC 8785 payload), is RFC 8785 of the message
 * without `sig`; otherwise it is serialised here.
 */
export function checkMessage(
  message: TelemetryMessage, arrival: Arrival, device: DeviceInfo | undefined, ctx: Omit<VerifyContext, 'verify'>, unsigned?: Uint8Array,
): Checked | ({ readonly ok: false } & Rejection) {
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
  const bytes = unsigned ?? canonicalBytes(withoutSig(message)); // RFC 8785, once per message
  return { ok: true, message, readings, job: signatureJob(message, device, bytes), unsigned: bytes };
}

/** checkMessage, then the Ed25519 signature in this thread. */
export function verifyMessage(message: TelemetryMessage, arrival: Arrival, device: DeviceInfo | undefined, ctx: VerifyContext): Verdict {
  const checked = checkMessage(message, arrival, device, ctx);
  if (!checked.ok) return checked;
  return verdictOf(checked, checked.job !== undefined && ctx.verify(checked.job.sig, checked.job.msg, checked.job.publicKey));
}

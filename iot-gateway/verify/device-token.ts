// Device authentication at MQTT CONNECT. The device connects with clientId = username = its device id and, as
// password, a fresh token: UTF-8 JSON {"device","ts","sig"} where sig is Ed25519 over
// DOMAIN.deviceToken ‖ RFC 8785({device, ts}). A token older (or further ahead) than 5 minutes is stale.
// Pure: the device record, the clock and the verifier come in as arguments. Browser-safe.
import { domainMessage } from '../../ledger/crypto/domain.js';
import { sign } from '../../ledger/crypto/ed25519.js';
import { fromBase64, toBase64 } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import { parseStrictJson } from '../../ledger/encoding/strict-json.js';
import { CHOSEN_ID_PATTERN } from '../../contracts/ids.js';
import { timeValue } from '../../contracts/time.js';
import type { SignFn } from '../formats/telemetry-signing.js';
import type { DeviceInfo } from './device-info.js';
import type { VerifyFn } from './verify-message.js';

export const TOKEN_MAX_AGE_MS = 5 * 60_000;
const MAX_TOKEN_BYTES = 512;
const DEVICE_ID = new RegExp(CHOSEN_ID_PATTERN);

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes we answer with. */
export const CONNACK = {
  identifierRejected: 2, // [MQTT-3.1.3-9] empty client id (or one that is not the username)
  badUsernameOrPassword: 4, // missing, malformed, stale or forged token
  notAuthorized: 5, // unknown or revoked device
} as const;

export type TokenCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly returnCode: 2 | 4 | 5; readonly reason: string; /** The lookup did not know the device. */ readonly unknownDevice?: true };

function tokenBytes(device: string, ts: string): Uint8Array {
  return domainMessage('deviceToken', canonicalBytes({ device, ts })); // RFC 8785
}

/** A token for `device` made at `nowMs`, as the MQTT password string (`signFn`: the portable signer by default). */
export function makeDeviceToken(device: string, nowMs: number, seed: Uint8Array, signFn: SignFn = sign): string {
  const ts = new Date(nowMs).toISOString();
  return JSON.stringify({ device, ts, sig: toBase64(signFn(seed, tokenBytes(device, ts))) });
}

interface Token {
  readonly device: string;
  readonly ts: string;
  readonly sig: string;
}

function parseToken(password: Uint8Array | undefined): Token | undefined {
  if (password === undefined || password.length === 0 || password.length > MAX_TOKEN_BYTES) return undefined;
  try {
    const v = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(password), { maxDepth: 1 }) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || Object.keys(v).length !== 3) return undefined;
    const { device, ts, sig } = v;
    return typeof device === 'string' && typeof ts === 'string' && typeof sig === 'string' ? { device, ts, sig } : undefined;
  } catch {
    return undefined;
  }
}

export interface ConnectAttempt {
  /** Client identifier as sent in CONNECT ('' when the client sent none). */
  readonly clientId: string;
  readonly username: string | undefined;
  readonly password: Uint8Array | undefined;
}

/** Decides CONNACK for a device. `lookup` gives the device named by the username. */
export function checkDeviceConnect(
  attempt: ConnectAttempt,
  lookup: (id: string) => DeviceInfo | undefined,
  nowMs: number,
  verify: VerifyFn,
): TokenCheck {
  const { clientId, username } = attempt;
  if (clientId === '') return { ok: false, returnCode: CONNACK.identifierRejected, reason: 'empty client id' }; // [MQTT-3.1.3-8]
  if (username === undefined || clientId !== username || !DEVICE_ID.test(clientId)) {
    return { ok: false, returnCode: CONNACK.identifierRejected, reason: 'client id must equal the username, the device id' };
  }
  const device = lookup(username);
  if (device === undefined) return { ok: false, returnCode: CONNACK.notAuthorized, reason: `unknown device '${username}'`, unknownDevice: true };
  if (device.status !== 'active') return { ok: false, returnCode: CONNACK.notAuthorized, reason: `device '${username}' is revoked` };
  const token = parseToken(attempt.password);
  if (token === undefined || token.device !== username) return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: 'password is not a device token for this device' };
  const t = timeValue(token.ts);
  if (t === undefined) return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: 'token time is not RFC 3339 UTC' };
  const age = nowMs - Number(t / 1_000_000n);
  if (Math.abs(age) > TOKEN_MAX_AGE_MS) return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: `token is stale (${Math.round(age / 1000)} s old)` };
  let sig: Uint8Array;
  try {
    sig = fromBase64(token.sig, 'sig');
  } catch {
    return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: 'token signature is not base64' };
  }
  if (!verify(sig, tokenBytes(token.device, token.ts), device.publicKey)) {
    return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: 'token signature does not verify' };
  }
  return { ok: true };
}

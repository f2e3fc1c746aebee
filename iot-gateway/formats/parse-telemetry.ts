// Payload bytes → a typed telemetry message, or a rejection. Pure: size limit, UTF-8, strict JSON (no duplicate
// keys, bounded depth), then the schema.
import { parseStrictJson, StrictJsonError } from '../../ledger/encoding/strict-json.js';
import { reject, type Rejection } from './rejection.js';
import { checkTelemetrySchema } from './telemetry-schema.js';
import { LIMITS, type TelemetryMessage } from './telemetry-message.js';

export type Parsed = { readonly ok: true; readonly message: TelemetryMessage } | ({ readonly ok: false } & Rejection);

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseTelemetry(payload: Uint8Array): Parsed {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload: expected Uint8Array');
  if (payload.length > LIMITS.maxPayloadBytes) {
    return reject('TELEMETRY_TOO_LARGE', `payload is ${payload.length} bytes, the limit is ${LIMITS.maxPayloadBytes}`);
  }
  let value: unknown;
  try {
    value = parseStrictJson(decoder.decode(payload), { maxDepth: LIMITS.maxJsonDepth });
  } catch (e) {
    if (e instanceof StrictJsonError || e instanceof TypeError) return reject('TELEMETRY_MALFORMED', e.message);
    throw e;
  }
  const checked = checkTelemetrySchema(value);
  return checked.ok ? { ok: true, message: checked.message } : reject('TELEMETRY_SCHEMA', checked.detail);
}

// The one list of outcomes the gateway gives a telemetry message, with what the device sees. A test keeps
// README-formats.md and this list in step.
export const REJECTIONS = {
  TELEMETRY_TOO_LARGE: 'payload exceeds the size limit; acknowledged and dropped (larger MQTT packets drop the connection)',
  TELEMETRY_MALFORMED: 'not UTF-8 JSON, a duplicate key, or nested too deep; acknowledged and dropped',
  TELEMETRY_SCHEMA: 'does not match the schema of its kind; acknowledged and dropped',
  TOPIC_MISMATCH: 'device, warehouse or kind disagrees with the topic or the connected client; connection closed',
  DEVICE_UNKNOWN: 'no such device on the ledger; acknowledged and dropped (embedded broker: CONNACK 5)',
  DEVICE_REVOKED: 'the device was revoked; connection closed (embedded broker: CONNACK 5 on reconnect)',
  KIND_NOT_ALLOWED: 'the device is not registered for this kind of reading; acknowledged and dropped',
  SIGNATURE_INVALID: 'the Ed25519 signature does not verify under the device key; acknowledged and dropped',
  TIME_SKEW: 'the reading time is too far in the future or too old; acknowledged and dropped',
  RATE_LIMITED: 'the device exceeds its message rate; QoS 0 dropped, QoS 1 connection closed without PUBACK',
  OVERLOADED: 'the gateway queue is full; QoS 0 dropped, QoS 1 connection closed without PUBACK',
  STORE_FAILED: 'the reading could not be stored; no PUBACK, the device retransmits',
} as const;

export type RejectionCode = keyof typeof REJECTIONS;

export interface Rejection {
  readonly code: RejectionCode;
  readonly detail: string;
}

export function reject(code: RejectionCode, detail: string): { ok: false } & Rejection {
  return { ok: false, code, detail };
}

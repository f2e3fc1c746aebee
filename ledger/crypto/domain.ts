// Domain separation: every message we sign starts with a fixed, newline-terminated label naming what it is,
// so a signature made for one kind of message can never be replayed as another (a reading as a transaction,
// a device token as a webhook, …). Browser-safe.
import { concatBytes, utf8 } from '../encoding/bytes.js';

export const DOMAIN = {
  tx: 'ledgerhouse/v1/tx\n',
  reading: 'ledgerhouse/v1/reading\n',
  readingBatch: 'ledgerhouse/v1/reading-batch\n',
  deviceToken: 'ledgerhouse/v1/device-token\n',
  anchor: 'ledgerhouse/v1/anchor\n',
  webhook: 'ledgerhouse/v1/webhook\n',
  apiToken: 'ledgerhouse/v1/api-token\n',
} as const;

export type Domain = keyof typeof DOMAIN;

const PREFIX_BYTES: Readonly<Record<Domain, Uint8Array>> = Object.freeze(
  Object.fromEntries(Object.entries(DOMAIN).map(([k, v]) => [k, utf8(v)])) as Record<Domain, Uint8Array>,
);

/** The bytes actually signed for `payload` in `domain`: the domain label ‖ payload. */
export function domainMessage(domain: Domain, payload: Uint8Array): Uint8Array {
  const prefix = Object.hasOwn(PREFIX_BYTES, domain) ? PREFIX_BYTES[domain] : undefined;
  if (prefix === undefined) throw new TypeError(`domain: unknown signing domain ${JSON.stringify(domain)}`);
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload: expected Uint8Array');
  return concatBytes(prefix, payload);
}

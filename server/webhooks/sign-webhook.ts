// The node's side of webhook signatures: Ed25519 over DOMAIN.webhook ‖ body with the webhook key, on the
// node:crypto fast path (byte-identical to the portable signer). Receivers use webhook-signature.ts.
import { domainMessage } from '../../ledger/crypto/domain.js';
import { signFast } from '../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';

export interface WebhookSigningKey {
  /** Key id sent in the header (the node's webhook key name). */
  readonly name: string;
  readonly seed: Uint8Array;
}

/** The Ledgerhouse-Signature header value for `body`: `keyid=<name>,sig=<base64>`. */
export function signWebhookBody(body: Uint8Array, key: WebhookSigningKey): string {
  if (!(body instanceof Uint8Array)) throw new TypeError('body: expected Uint8Array');
  if (typeof key?.name !== 'string' || !/^[\x21-\x7e]+$/.test(key.name) || /[,=]/.test(key.name)) {
    throw new TypeError('key.name: expected printable ASCII without spaces, commas or equals signs');
  }
  return `keyid=${key.name},sig=${toBase64(signFast(key.seed, domainMessage('webhook', body)))}`;
}

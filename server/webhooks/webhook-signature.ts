// Webhook signatures, the receiver's side (portable: no node:crypto, runs in Node, browsers and workers). A delivery
// body is the RFC 8785 JSON of {webhook, index, seq, event}; the node signs DOMAIN.webhook ‖ body bytes
// ("ledgerhouse/v1/webhook\n" ‖ body) with its webhook key (Ed25519, RFC 8032) and sends
// `Ledgerhouse-Signature: keyid=<key name>,sig=<base64 signature>` (sign-webhook.ts). A receiver verifies the raw
// body bytes it received — never a re-serialisation — with `verifyWebhookSignature`.
import type { ContractEvent } from '../../contracts/types.js';
import { verifyIn } from '../../ledger/crypto/ed25519.js';
import { fromBase64, utf8 } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';

export const SIGNATURE_HEADER = 'Ledgerhouse-Signature';
export const DELIVERY_HEADER = 'Ledgerhouse-Delivery';

export interface WebhookPayload {
  /** The webhook id the delivery is for. */
  readonly webhook: string;
  /** Ledger index and event position: receivers deduplicate on (index, seq). */
  readonly index: number;
  readonly seq: number;
  readonly event: ContractEvent;
}

/** The exact body bytes sent: RFC 8785 canonical JSON of the payload. */
export function webhookBody(payload: WebhookPayload): Uint8Array {
  return canonicalBytes({ webhook: payload.webhook, index: payload.index, seq: payload.seq, event: payload.event });
}

/** Parses `keyid=…,sig=…` (any order, unknown parameters ignored); undefined when malformed. */
export function parseSignatureHeader(header: string): { keyId: string; sig: Uint8Array } | undefined {
  const params = new Map<string, string>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim();
    if (params.has(name)) return undefined;
    params.set(name, part.slice(eq + 1).trim());
  }
  const keyId = params.get('keyid');
  const sigB64 = params.get('sig');
  if (keyId === undefined || keyId === '' || sigB64 === undefined) return undefined;
  try {
    return { keyId, sig: fromBase64(sigB64, 'sig') };
  } catch {
    return undefined;
  }
}

/**
 * True when `header` carries a valid Ed25519 signature by `publicKey` over DOMAIN.webhook ‖ `body`, and (when
 * `expectedKeyId` is given) names that key. `body` must be the raw bytes received (a string is taken as UTF-8).
 * A malformed header or a bad signature returns false; only wrongly typed arguments throw.
 */
export function verifyWebhookSignature(body: Uint8Array | string, header: string, publicKey: Uint8Array, expectedKeyId?: string): boolean {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new TypeError('body: expected Uint8Array or string');
  if (typeof header !== 'string') throw new TypeError('header: expected string');
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey: expected Uint8Array');
  const parsed = parseSignatureHeader(header);
  if (parsed === undefined) return false;
  if (expectedKeyId !== undefined && parsed.keyId !== expectedKeyId) return false;
  return verifyIn('webhook', parsed.sig, typeof body === 'string' ? utf8(body) : body, publicKey);
}

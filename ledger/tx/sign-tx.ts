// Transaction signatures: Ed25519 over DOMAIN.tx ‖ JCS(tx) (RFC 8785), carried as base64 in a Sig. Every signer
// of a transaction signs the same bytes; the envelope lists one Sig per party. Browser-safe.
import type { Sig, Tx } from '../../contracts/types.js';
import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { canonicalBytes } from '../encoding/canonical.js';
import { domainMessage } from '../crypto/domain.js';
import { sign, verify as portableVerify } from '../crypto/ed25519.js';

export type VerifyFn = (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;

/** The exact bytes a transaction signature covers: "ledgerhouse/v1/tx\n" ‖ JCS(tx). */
export function txSigningBytes(tx: Tx): Uint8Array {
  return domainMessage('tx', canonicalBytes(tx));
}

/** `signer`'s signature on `tx`, made with `seed`. */
export function signTx(tx: Tx, signer: string, seed: Uint8Array): Sig {
  if (typeof signer !== 'string' || signer === '') throw new TypeError('signer: expected a non-empty party id');
  return { signer, sig: toBase64(sign(seed, txSigningBytes(tx))) };
}

/**
 * True when `sig.sig` is a valid signature on `tx` under `publicKey`. A sig that is not canonical base64 or not
 * 64 bytes does not verify (returns false). `verify` defaults to the portable verifier; pass
 * `fastVerifier.verify.bind(fastVerifier)` on the server.
 */
export function verifyTxSig(tx: Tx, sig: Sig, publicKey: Uint8Array, verify: VerifyFn = portableVerify): boolean {
  if (typeof sig !== 'object' || sig === null || typeof sig.sig !== 'string') {
    throw new TypeError('sig: expected { signer, sig: base64 }');
  }
  let raw: Uint8Array;
  try {
    raw = fromBase64(sig.sig, 'sig.sig');
  } catch {
    return false;
  }
  return verify(raw, txSigningBytes(tx), publicKey);
}

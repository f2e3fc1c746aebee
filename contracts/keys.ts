// Public key acceptance for parties and devices. [KEY-1]

/** Canonical base64 of exactly 32 bytes: 43 symbols (the last with zero padding bits) and one '='. */
const KEY_B64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Injected by the ledger: deeper checks (small order, non-canonical point) that need curve arithmetic. */
export interface ContractServices {
  /** A reason the key is unacceptable, or undefined when it is fine. */
  checkPublicKey(b64: string): string | undefined;
}

/** Why `b64` is not an acceptable Ed25519 public key, or undefined when it is. */
export function keyProblem(b64: string, services?: ContractServices): string | undefined {
  if (!KEY_B64.test(b64)) return 'not canonical base64 of 32 bytes';
  return services?.checkPublicKey(b64);
}

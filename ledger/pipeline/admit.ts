// Admission of one signed transaction against a state view: resolve each signer's registered key, verify every
// signature, then apply the contract. Shared by the live sequencer and the auditor's replay, so both judge an
// entry by exactly the same rule. Pure apart from the injected signature verifier.
import { apply } from '../../contracts/index.js';
import type { Ctx, Outcome, SignedTx, StateView } from '../../contracts/types.js';
import { fromBase64 } from '../encoding/bytes.js';
import { LedgerError } from '../errors.js';
import { txSigningBytes } from '../tx/sign-tx.js';

export type VerifyFn = (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;

export interface ContractServices {
  checkPublicKey(b64: string): string | undefined;
}

export interface AdmitInput {
  readonly view: StateView;
  readonly signed: SignedTx;
  readonly index: number;
  readonly time: string;
  readonly txHash: string;
  readonly verify: VerifyFn;
  readonly services?: ContractServices;
}

const GENESIS = 'ledger.genesis';

/**
 * Each signer's registered public key (base64), in signature order. Reads state only, so a caller may re-run it
 * after loading what it missed (StateMiss) without repeating any cryptography.
 */
export function signerKeys(input: Pick<AdmitInput, 'view' | 'signed' | 'index'>): string[] {
  return input.signed.sigs.map((sig) => signerKey(input.view, input.signed, sig.signer, input.index));
}

/**
 * Verdicts computed ahead of admission (e.g. in a worker pool) against the keys known then: `keys[i]` is the key
 * signature i was checked against, `ok[i]` the verdict. A verdict is used only when admission resolves the very same
 * key for that signer; otherwise the signature is verified again, here.
 */
export interface Preverified {
  readonly keys: readonly (string | undefined)[];
  readonly ok: readonly (boolean | undefined)[];
}

/**
 * Verify every signature against its key; returns the verified signer ids or throws naming the first failure.
 * `message` is the transaction's signing bytes when the caller already has them.
 */
export function verifySignatures(
  input: Pick<AdmitInput, 'signed' | 'verify'>, keys: readonly string[], message = txSigningBytes(input.signed.tx), pre?: Preverified,
): Set<string> {
  const { signed, verify } = input;
  const signers = new Set<string>();
  signed.sigs.forEach((sig, i) => {
    const known = pre !== undefined && pre.keys[i] === keys[i] ? pre.ok[i] : undefined; // same key ⇒ same verdict
    if (!(known ?? verify(fromBase64(sig.sig, 'sig'), message, fromBase64(keys[i]!, 'publicKey')))) {
      throw signatureInvalid(sig.signer);
    }
    signers.add(sig.signer);
  });
  return signers;
}

/** The refusal for a signature that does not verify. */
export function signatureInvalid(signer: string): LedgerError {
  return new LedgerError('SIGNATURE_INVALID', `signature by '${signer}' does not verify against its current key`, '/sigs');
}

/** Verified signer ids, or a LedgerError naming the first signature that fails. */
export function verifySigners(input: AdmitInput): Set<string> {
  return verifySignatures(input, signerKeys(input));
}

function signerKey(view: StateView, signed: SignedTx, signer: string, index: number): string {
  // The genesis entry introduces the operator: its signature is checked against the key it registers.
  if (index === 0 && signed.tx.type === GENESIS) {
    const operator = (signed.tx.body as { operator?: { id?: unknown; publicKey?: unknown } }).operator;
    if (operator?.id === signer && typeof operator.publicKey === 'string') return operator.publicKey;
  }
  const party = view.get('party', signer) as { status?: string; publicKey?: string } | undefined;
  if (party === undefined) throw new LedgerError('SIGNER_UNKNOWN', `signer '${signer}' is not a registered party`, '/sigs');
  if (party.status !== 'active') throw new LedgerError('SIGNER_REVOKED', `signer '${signer}' has been revoked`, '/sigs');
  if (typeof party.publicKey !== 'string') throw new TypeError(`party '${signer}' has no publicKey in state`);
  return party.publicKey;
}

/** Apply the contract for already verified signers. */
export function applyContract(input: AdmitInput, signers: ReadonlySet<string>): Outcome {
  const ctx: Ctx = { index: input.index, time: input.time, txHash: input.txHash, signers };
  return apply(input.view, input.signed, ctx, input.services);
}

/** Verify signatures and apply the contract. Throws LedgerError for signature problems; returns the contract's outcome. */
export function admit(input: AdmitInput): Outcome {
  return applyContract(input, verifySigners(input));
}

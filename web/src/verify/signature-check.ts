// Transaction signatures of a proven entry, each checked (Ed25519 over "ledgerhouse/v1/tx\n" ‖ JCS(tx)) under the
// key its signer held AT THAT INDEX: a key may sign entries with from ≤ index < until (contracts/state.ts
// KeyPeriod). Keys come from the public party directory (online) or from the key entries a PDF carries (offline,
// `keyHistoriesFromEntries`). Browser-safe.
import { fromBase64 } from '../../../ledger/encoding/bytes.js';
import type { LedgerEntry } from '../../../ledger/entry/entry.js';
import { verifyTxSig } from '../../../ledger/tx/sign-tx.js';
import type { StepLog } from './verdict.js';

/** One key a party has held (contracts/state.ts KeyPeriod). */
export interface KeyPeriod {
  readonly publicKey: string;
  readonly from: number;
  readonly until?: number;
}

/** The key history of a party, or undefined when the party is unknown. */
export type KeyHistoryLookup = (party: string) => Promise<readonly KeyPeriod[] | undefined>;

/** The base64 key `history` allowed to sign at `index`, if any. */
export function keyAt(history: readonly KeyPeriod[], index: number): string | undefined {
  return history.find((k) => k.from <= index && (k.until === undefined || index < k.until))?.publicKey;
}

/** One signature on a transaction (contracts/types.ts Sig). */
interface Sig {
  readonly signer: string;
  readonly sig: string;
}

function isSig(v: unknown): v is Sig {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s['signer'] === 'string' && typeof s['sig'] === 'string';
}

async function signerKey(log: StepLog, lookup: KeyHistoryLookup, signer: string, index: number): Promise<Uint8Array> {
  const history = await lookup(signer);
  if (history === undefined) return log.fail('signatures', 'SIGNER_KEY_UNKNOWN', `Entry ${index} is signed by '${signer}', a party this registry does not know.`);
  const b64 = keyAt(history, index);
  if (b64 === undefined) return log.fail('signatures', 'SIGNER_KEY_UNKNOWN', `'${signer}' held no key at entry ${index}.`);
  try {
    return fromBase64(b64, 'publicKey');
  } catch {
    return log.fail('signatures', 'SIGNER_KEY_UNKNOWN', `The key '${signer}' held at entry ${index} is not base64.`);
  }
}

/**
 * Verifies every signature on `entry`; returns the signers. Fails SIGNATURE_INVALID naming the signer whose
 * signature does not verify (or when there is none), SIGNER_KEY_UNKNOWN when no key is known for a signer then.
 * Records no passed step: the caller summarises.
 */
export async function checkEntrySignatures(log: StepLog, entry: LedgerEntry, lookup: KeyHistoryLookup): Promise<string[]> {
  if (entry.sigs.length === 0) log.fail('signatures', 'SIGNATURE_INVALID', `Entry ${entry.index} carries no signature.`);
  const signers: string[] = [];
  for (const sig of entry.sigs) {
    if (!isSig(sig)) return log.fail('signatures', 'ENTRY_MALFORMED', `Entry ${entry.index} has a malformed signature.`);
    const key = await signerKey(log, lookup, sig.signer, entry.index);
    if (!verifyTxSig(entry.tx, sig, key)) {
      log.fail('signatures', 'SIGNATURE_INVALID',
        `The signature by '${sig.signer}' on entry ${entry.index} (${entry.tx.type}) does not verify under the key '${sig.signer}' held at that index.`);
    }
    signers.push(sig.signer);
  }
  return signers;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * Key histories implied by key entries (ledger.genesis, party.register, party.rotateKey), as a PDF carries them:
 * genesis keys sign from 0; registered and rotated keys from the entry after; a rotation ends the previous key.
 * Entries of other types are ignored. Every entry given must already be proven.
 */
export function keyHistoriesFromEntries(entries: readonly LedgerEntry[]): Map<string, KeyPeriod[]> {
  const out = new Map<string, KeyPeriod[]>();
  const add = (party: unknown, key: unknown, from: number): void => {
    if (typeof party !== 'string' || typeof key !== 'string') return;
    const history = out.get(party) ?? [];
    const last = history.at(-1);
    if (last !== undefined && last.until === undefined) history[history.length - 1] = { ...last, until: from };
    history.push({ publicKey: key, from });
    out.set(party, history);
  };
  for (const e of [...entries].sort((a, b) => a.index - b.index)) {
    const body = e.tx.body;
    if (e.tx.type === 'ledger.genesis') {
      const op = field(body, 'operator');
      add(field(op, 'id'), field(op, 'publicKey'), 0);
    } else if (e.tx.type === 'party.register') add(field(body, 'id'), field(body, 'publicKey'), e.index + 1);
    else if (e.tx.type === 'party.rotateKey') add(field(body, 'party'), field(body, 'publicKey'), e.index + 1);
  }
  return out;
}

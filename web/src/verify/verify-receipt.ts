// The public verifier's whole check of a receipt, from what `GET /v1/verify/{id}` answers, trusting none of it:
//   1. the log key parses (and is the key this browser pinned for the log on an earlier visit);
//   2. the checkpoint is signed by that key (C2SP signed-note + tlog-checkpoint);
//   3. the entry's leaf hash and inclusion proof lead to the checkpoint's root (RFC 6962 / RFC 9162);
//   4. the entry's transaction signatures verify under the keys their signers held at that index;
//   5. the entry created this receipt (and names the claimed warehouse);
//   6. the checkpoint is consistent with the largest one this browser has verified before (no fork).
// Pure apart from the injected look-ups (party keys, consistency proofs). Browser-safe.
import type { Checkpoint } from '../../../ledger/checkpoint/checkpoint.js';
import type { LedgerEntry } from '../../../ledger/entry/entry.js';
import { openLogKey, openSignedCheckpoint } from './checkpoint-check.js';
import { checkConsistent, type ConsistencyLookup, type LabeledHead } from './consistency-check.js';
import { proveEntry, type ProvenLeaf } from './entry-check.js';
import { creationProblem, namedWarehouse } from './receipt-creation.js';
import { seenHead, type SeenCheckpoint } from './seen-checkpoints.js';
import { checkEntrySignatures, type KeyHistoryLookup } from './signature-check.js';
import { runChecks, type StepLog, type Verdict } from './verdict.js';

export type PublicStatus = 'active' | 'pledged' | 'redeemed' | 'inoperative' | 'paper';
const STATUSES: readonly string[] = ['active', 'pledged', 'redeemed', 'inoperative', 'paper'];

/** `GET /v1/verify/{id}`: status and lien flag only, plus the evidence. */
export interface VerifyResponse {
  readonly receipt: string;
  readonly status: PublicStatus;
  readonly underLien: boolean;
  readonly warehouse: string;
  readonly issuedIndex: number;
  readonly lastChangedIndex: number;
  readonly checkpointSize: number;
  readonly evidence: ProvenLeaf & { readonly size: number; readonly checkpoint: string };
}

export interface OnlineInput {
  readonly receiptId: string;
  /** `GET /v1/ledger/key`. */
  readonly logKey: string;
  /** `GET /v1/verify/{id}` as parsed JSON (shape unchecked). */
  readonly response: unknown;
  /** What this browser remembered about the log, if anything. */
  readonly seen?: SeenCheckpoint;
}

export interface OnlineDeps {
  readonly keyHistory: KeyHistoryLookup;
  readonly consistency: ConsistencyLookup;
}

export interface OnlineResult {
  readonly response: VerifyResponse;
  readonly entry: LedgerEntry;
  readonly checkpoint: Checkpoint;
  readonly signers: readonly string[];
  /** The largest verified head: remember it for the next visit. */
  readonly newest: LabeledHead;
}

const isInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function shapeProblem(r: Record<string, unknown>): string | undefined {
  if (typeof r['receipt'] !== 'string') return 'receipt is missing';
  if (typeof r['status'] !== 'string' || !STATUSES.includes(r['status'])) return 'status is not a known receipt status';
  if (typeof r['underLien'] !== 'boolean' || typeof r['warehouse'] !== 'string') return 'underLien or warehouse is missing';
  if (!isInt(r['issuedIndex']) || !isInt(r['lastChangedIndex']) || !isInt(r['checkpointSize'])) return 'an index is missing';
  const ev = r['evidence'];
  if (typeof ev !== 'object' || ev === null) return 'evidence is missing';
  const e = ev as Record<string, unknown>;
  if (!isInt(e['index']) || !isInt(e['size']) || typeof e['leaf'] !== 'string' || typeof e['checkpoint'] !== 'string') return 'evidence lacks index, size, leaf or checkpoint';
  if (!Array.isArray(e['proof']) || !e['proof'].every((h) => typeof h === 'string')) return 'evidence.proof is not a list of hashes';
  return undefined;
}

function parseResponse(log: StepLog, value: unknown, receiptId: string): VerifyResponse {
  const problem = typeof value !== 'object' || value === null ? 'not an object' : shapeProblem(value as Record<string, unknown>);
  if (problem !== undefined) return log.fail('entry', 'EVIDENCE_MALFORMED', `The registry's answer is malformed: ${problem}.`);
  const r = value as VerifyResponse;
  if (r.receipt !== receiptId) log.fail('entry', 'EVIDENCE_MALFORMED', `Asked about ${receiptId}, the registry answered about ${r.receipt}.`);
  return r;
}

export function verifyReceiptOnline(input: OnlineInput, deps: OnlineDeps): Promise<Verdict<OnlineResult>> {
  return runChecks(async (log) => {
    const response = parseResponse(log, input.response, input.receiptId);
    const key = openLogKey(log, input.logKey);
    if (input.seen !== undefined && input.seen.verifierKey.trim() !== input.logKey.trim()) {
      log.fail('log-key', 'LOG_KEY_CHANGED',
        `The registry now presents a different key for log ${key.name} than the one this browser saw on ${input.seen.seenAt.slice(0, 10)}. A log never changes its key: treat this registry as untrusted.`);
    }
    const { evidence } = response;
    const cp = openSignedCheckpoint(log, evidence.checkpoint, key);
    if (cp.size !== evidence.size) {
      log.fail('inclusion', 'EVIDENCE_MALFORMED', `The evidence is for a tree of size ${evidence.size}, but its checkpoint is of size ${cp.size}.`);
    }
    const entry = proveEntry(log, evidence, cp);
    log.pass('inclusion', `entry ${entry.index} is in the log: its leaf hash and proof lead to the signed root of size ${cp.size}`);
    const signers = await checkEntrySignatures(log, entry, deps.keyHistory);
    log.pass('signatures', `${signers.length} of ${signers.length} signature${signers.length === 1 ? '' : 's'} on entry ${entry.index} verified under the keys valid at that index`);
    const problem = creationProblem(entry, input.receiptId);
    if (problem !== undefined) log.fail('creation', 'NOT_CREATED_BY_ENTRY', `The proven entry does not create this receipt: ${problem}.`);
    const warehouse = namedWarehouse(entry);
    if (warehouse !== undefined && (warehouse !== response.warehouse || !signers.includes(warehouse))) {
      log.fail('creation', 'NOT_CREATED_BY_ENTRY', `The issuing entry names warehouse '${warehouse}' (signed by ${signers.join(', ')}), but the registry says '${response.warehouse}'.`);
    }
    log.pass('creation', `entry ${entry.index} (${entry.tx.type}) created ${input.receiptId}`);
    const current: LabeledHead = { size: cp.size, rootHash: cp.rootHash, label: "the registry's checkpoint" };
    let newest = current;
    if (input.seen === undefined) log.pass('consistency', 'first visit to this log from this browser: its checkpoint is remembered to detect a fork next time');
    else newest = await checkConsistent(log, seenHead(input.seen), current, deps.consistency);
    return { response, entry, checkpoint: cp, signers, newest };
  });
}

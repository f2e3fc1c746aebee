// Offline verification of a receipt PDF's embedded `evidence.json` (format `ledgerhouse-receipt-evidence/v1`,
// written by server/pdf/evidence.ts): every entry and key entry proven in the signed checkpoint, every signature
// verified under the key its signer held at that index (keys taken from the proven key entries, so nothing is
// fetched), and one of the entries created the receipt. When the registry is reachable, the page adds its current
// checkpoint: it must be signed by the same key and consistent with the PDF's. Browser-safe.
import type { Checkpoint } from '../../../ledger/checkpoint/checkpoint.js';
import type { LedgerEntry } from '../../../ledger/entry/entry.js';
import { openLogKey, openSignedCheckpoint } from './checkpoint-check.js';
import { checkConsistent, type ConsistencyLookup, type LabeledHead } from './consistency-check.js';
import { proveEntry } from './entry-check.js';
import { creationProblem, parseReceiptId } from './receipt-creation.js';
import { seenHead, type SeenCheckpoint } from './seen-checkpoints.js';
import { checkEntrySignatures, keyHistoriesFromEntries } from './signature-check.js';
import { runChecks, type StepLog, type Verdict } from './verdict.js';

// The evidence format and its strict parser are the server's own (pure, browser-safe): one definition for the
// writer (server/pdf) and both readers (verify-pdf, this page).
export { EVIDENCE_FILE, EVIDENCE_FORMAT, EvidenceFormatError, parseEvidence, type ReceiptEvidence } from '../../../server/pdf/evidence.js';
import type { ReceiptEvidence } from '../../../server/pdf/evidence.js';

export interface EvidenceContext {
  /** The registry's key (`GET /v1/ledger/key`), when reachable. */
  readonly registryKey?: string;
  /** The registry's current signed checkpoint (`GET /v1/ledger/checkpoint`), when reachable. */
  readonly registryCheckpoint?: string;
  /** What this browser remembered about the log. */
  readonly seen?: SeenCheckpoint;
  readonly consistency?: ConsistencyLookup;
}

export interface EvidenceResult {
  readonly receiptId: string;
  readonly checkpoint: Checkpoint;
  /** The entry that created the receipt. */
  readonly created: LedgerEntry;
  readonly entries: readonly LedgerEntry[];
  readonly signatures: number;
  /** The largest verified head (remember it), and whether the registry was consulted. */
  readonly newest: LabeledHead;
  readonly online: boolean;
}

function checkKey(log: StepLog, evidence: ReceiptEvidence, ctx: EvidenceContext): void {
  const same = (k: string | undefined) => k === undefined || k.trim() === evidence.verifierKey.trim();
  if (!same(ctx.registryKey)) {
    log.fail('log-key', 'LOG_KEY_CHANGED', `This document's evidence names log key ${evidence.verifierKey}, but this registry's key is ${ctx.registryKey?.trim()}: it was not issued by this registry.`);
  }
  if (!same(ctx.seen?.verifierKey)) {
    log.fail('log-key', 'LOG_KEY_CHANGED', `This document's log key differs from the one this browser saw for the same log on ${ctx.seen?.seenAt.slice(0, 10)}.`);
  }
}

async function checkHistory(log: StepLog, pdf: LabeledHead, ctx: EvidenceContext, key: ReturnType<typeof openLogKey>): Promise<{ newest: LabeledHead; online: boolean }> {
  let newest = pdf;
  const lookup = ctx.consistency;
  if (ctx.registryCheckpoint !== undefined && lookup !== undefined) {
    const now = openSignedCheckpoint(log, ctx.registryCheckpoint, key, "registry's current checkpoint");
    newest = await checkConsistent(log, pdf, { size: now.size, rootHash: now.rootHash, label: "the registry's current checkpoint" }, lookup);
  }
  if (ctx.seen !== undefined && lookup !== undefined) newest = await checkConsistent(log, seenHead(ctx.seen), newest, lookup);
  if (lookup === undefined) log.pass('consistency', 'the registry was not consulted: the document was checked offline against its own checkpoint');
  return { newest, online: ctx.registryCheckpoint !== undefined };
}

/** Verifies parsed evidence; see the header. */
export function verifyEvidence(evidence: ReceiptEvidence, ctx: EvidenceContext = {}): Promise<Verdict<EvidenceResult>> {
  return runChecks(async (log) => {
    const key = openLogKey(log, evidence.verifierKey);
    checkKey(log, evidence, ctx);
    const cp = openSignedCheckpoint(log, evidence.checkpoint, key, "document's checkpoint");
    if (cp.size !== evidence.size) log.fail('inclusion', 'EVIDENCE_MALFORMED', `The evidence is for a tree of size ${evidence.size}, but its checkpoint is of size ${cp.size}.`);
    const entries = evidence.entries.map((e) => proveEntry(log, e, cp));
    const keyEntries = evidence.keyEntries.map((e) => proveEntry(log, e, cp));
    log.pass('inclusion', `${entries.length + keyEntries.length} entries are in the log of size ${cp.size}`);
    const histories = keyHistoriesFromEntries(keyEntries);
    let signatures = 0;
    for (const e of [...keyEntries, ...entries]) {
      signatures += (await checkEntrySignatures(log, e, async (party) => histories.get(party))).length;
    }
    log.pass('signatures', `${signatures} signatures verified under the keys their signers held at each index`);
    const id = parseReceiptId(evidence.receiptId);
    const created = entries.find((e) => e.index === id?.index);
    const problem = created === undefined ? `the document carries no entry ${id?.index ?? '(invalid id)'}` : creationProblem(created, evidence.receiptId);
    if (problem !== undefined || created === undefined) return log.fail('creation', 'NOT_CREATED_BY_ENTRY', `No entry in the document creates ${evidence.receiptId}: ${problem}.`);
    log.pass('creation', `entry ${created.index} (${created.tx.type}) created ${evidence.receiptId}`);
    const { newest, online } = await checkHistory(log, { size: cp.size, rootHash: cp.rootHash, label: "the document's checkpoint" }, ctx, key);
    return { receiptId: evidence.receiptId, checkpoint: cp, created, entries, signatures, newest, online };
  });
}

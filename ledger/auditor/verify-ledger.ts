// The auditor: replay the whole log from index 0 and trust nothing the source says. For every entry: the leaf
// bytes are canonical and self-consistent, its signatures verify against keys as of that point in the log, the
// contract accepts it; every Merkle node the source stores equals the one recomputed from the leaves; every
// checkpoint is signed by the log key and commits to the recomputed root; finally the source's projections equal
// the replayed state. The first problem is reported with the entry index (or object) it concerns.
import { isDeepStrictEqual } from 'node:util';
import { canonicalJson } from '../encoding/canonical.js';
import { equalBytes, toHex } from '../encoding/bytes.js';
import { decodeEntryText, EntryFormatError, type DecodedEntry } from '../entry/entry.js';
import { LedgerError } from '../errors.js';
import { openCheckpoint } from '../checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../checkpoint/note.js';
import { appendLeaves, edgeRoot, emptyEdge, type RightEdge } from '../merkle/compact-range.js';
import { hashLeaf } from '../merkle/hash.js';
import { OrderedChecks } from '../crypto/ordered-checks.js';
import type { VerifyPool } from '../crypto/verify-pool.js';
import { fromBase64 } from '../encoding/bytes.js';
import { applyContract, signatureInvalid, signerKeys, verifySignatures, type ContractServices, type VerifyFn } from '../pipeline/admit.js';
import { MemoryState } from '../state/memory-state.js';
import { txFormsOfText } from '../tx/tx-forms.js';
import type { Kind } from '../../contracts/types.js';
import type { CheckpointRecord, NodeRecord } from '../store/ledger-store.js';
import type { LedgerSource } from './ledger-source.js';

export interface AuditOptions {
  /** The log's verifier key in signed-note form (`origin+hash+key`). */
  readonly logKey: string;
  readonly verify: VerifyFn;
  /**
   * Verify each page's signatures in these worker threads while the next page is replayed (`verify` stays the
   * fallback). The first bad signature is still the one reported, with its entry index. The caller closes the pool.
   */
  readonly pool?: VerifyPool;
  readonly services?: ContractServices;
  readonly pageSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AuditFinding {
  /** The entry the problem is in, when it is in one. */
  readonly index?: number;
  readonly what: string;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly size: number;
  readonly checkpointsVerified: number;
  readonly objectsCompared: number;
  readonly rootHash: string;
  readonly finding?: AuditFinding;
}

const KINDS: readonly Kind[] = ['party', 'device', 'lot', 'receipt', 'pledge', 'alert', 'meta'];

class Finding extends Error {
  constructor(readonly finding: AuditFinding) {
    super(finding.what);
  }
}

const fail = (what: string, index?: number): never => {
  throw new Finding(index === undefined ? { what } : { index, what });
};

/** A signature whose check was handed to the pool. */
interface SigAt {
  readonly index: number;
  readonly type: string;
  readonly signer: string;
}

const sigFinding = (bad: SigAt): AuditFinding =>
  ({ index: bad.index, what: `entry ${bad.index} (${bad.type}): SIGNATURE_INVALID: ${signatureInvalid(bad.signer).message}` });

const failSig = (bad: SigAt | undefined): void => {
  if (bad !== undefined) throw new Finding(sigFinding(bad));
};

export async function auditLedger(source: LedgerSource, opts: AuditOptions): Promise<AuditReport> {
  const logKey = parseVerifierKey(opts.logKey);
  const state = new MemoryState();
  let edge: RightEdge = emptyEdge();
  let checkpoints = 0;
  let objects = 0;
  let lastTime = '';
  let verifiedSize = 0;
  const latest = await source.latest();
  const size = latest?.size ?? 0;
  const checks = opts.pool === undefined ? undefined : new OrderedChecks<SigAt>(opts.pool, opts.verify);
  try {
    const checkCheckpoint = (cp: CheckpointRecord, at: RightEdge): void => {
      let body;
      try {
        body = openCheckpoint(cp.note, logKey, { verify: opts.verify });
      } catch (e) {
        fail(`checkpoint at size ${cp.size}: ${(e as Error).message}`);
      }
      if (body!.size !== at.size) fail(`checkpoint note says size ${body!.size}, stored as size ${cp.size}`);
      if (!equalBytes(body!.rootHash, edgeRoot(at))) {
        // The previous checkpoint verified, so the altered entry lies between the two.
        const suspects = verifiedSize + 1 === at.size ? `entry ${verifiedSize}` : `one of entries ${verifiedSize}–${at.size - 1}`;
        fail(`checkpoint at size ${at.size} commits to root ${toHex(body!.rootHash)}, but the entries hash to ${toHex(edgeRoot(at))}: ${suspects} was altered after it was signed`, verifiedSize);
      }
      verifiedSize = at.size;
      checkpoints++;
    };

    const page = opts.pageSize ?? 1000;
    for (let start = 0; start < size; start += page) {
      const end = Math.min(size, start + page);
      const rows = await source.entries(start, end);
      const fresh: NodeRecord[] = [];
      for (let i = start; i < end; i++) {
        const row = rows[i - start];
        if (row === undefined || row.index !== i) fail(`entry ${i} is missing from the source (not visible or deleted)`, i);
        const leafHash = hashLeaf(row!.leaf);
        if (row!.leafHash !== undefined && !equalBytes(row!.leafHash, leafHash)) {
          fail(`entry ${i}: stored leaf hash ${toHex(row!.leafHash)} is not the hash of the stored entry bytes (${toHex(leafHash)}) — the entry or its hash was edited`, i);
        }
        lastTime = replayEntry(state, row!.leaf, i, lastTime, opts, checks);
        const appended = appendLeaves(edge, [leafHash]);
        edge = appended.edge;
        fresh.push(...appended.nodes.filter((n) => n.id.level > 0));
        const cp = await source.checkpointAt(edge.size);
        if (cp !== undefined) {
          // Nodes first: a mismatching node names the edited entry; a mismatching root only says "somewhere".
          await compareNodes(source, fresh.splice(0));
          checkCheckpoint(cp, edge);
        }
      }
      await compareNodes(source, fresh);
      failSig(await checks?.endPage()); // this page goes to the pool; waits for the one before
      opts.onProgress?.(end, size);
    }
    failSig(await checks?.settle());
    if (latest !== undefined) checkCheckpoint(latest, edge);
    if (source.projections !== undefined) objects = await compareProjections(source, state);
  } catch (e) {
    if (!(e instanceof Finding)) throw e;
    // Entries replayed before this finding whose signatures are still in the pool: a bad one among them came first.
    const earlier = await checks?.settle();
    const finding = earlier === undefined ? e.finding : sigFinding(earlier);
    return { ok: false, size, checkpointsVerified: checkpoints, objectsCompared: objects, rootHash: toHex(edgeRoot(edge)), finding };
  }
  return { ok: true, size, checkpointsVerified: checkpoints, objectsCompared: objects, rootHash: toHex(edgeRoot(edge)) };
}

/** Decode, check and apply one entry; returns its time. With `checks`, its signatures are queued there instead of verified. */
function replayEntry(
  state: MemoryState, leaf: Uint8Array, index: number, lastTime: string, opts: AuditOptions, checks: OrderedChecks<SigAt> | undefined,
): string {
  let decoded: DecodedEntry;
  try {
    decoded = decodeEntryText(leaf);
  } catch (e) {
    if (e instanceof EntryFormatError) fail(`entry ${index}: ${e.message}`, index);
    throw e;
  }
  const entry = decoded!.entry;
  if (entry.index !== index) fail(`entry ${index} says it is entry ${entry.index}`, index);
  if (entry.time < lastTime) fail(`entry ${index}: time ${entry.time} is before the previous entry's ${lastTime}`, index);
  let outcome;
  try {
    const forms = txFormsOfText(decoded!.txText);
    const input = { view: state, signed: entry, index, time: entry.time, txHash: forms.hash, verify: opts.verify, services: opts.services };
    const keys = signerKeys(input); // the keys as of this index
    let signers: Set<string>;
    if (checks === undefined) {
      signers = verifySignatures(input, keys, forms.signingBytes);
    } else {
      signers = new Set();
      entry.sigs.forEach((sig, k) => {
        const job = { sig: fromBase64(sig.sig, 'sig'), msg: forms.signingBytes, publicKey: fromBase64(keys[k]!, 'publicKey') };
        checks.add({ job, tag: { index, type: entry.tx.type, signer: sig.signer } });
        signers.add(sig.signer);
      });
    }
    outcome = applyContract(input, signers);
  } catch (e) {
    if (e instanceof LedgerError) fail(`entry ${index} (${entry.tx.type}): ${e.code}: ${e.message}`, index);
    throw e;
  }
  if (!outcome!.ok) fail(`entry ${index} (${entry.tx.type}) violates the contract: ${outcome!.error.code}: ${outcome!.error.message}`, index);
  if (outcome!.ok) state.apply(outcome!.writes, index);
  return entry.time;
}

async function compareNodes(source: LedgerSource, fresh: readonly NodeRecord[]): Promise<void> {
  if (source.nodes === undefined || fresh.length === 0) return;
  const stored = await source.nodes(fresh.map((n) => n.id));
  fresh.forEach((n, k) => {
    if (!equalBytes(stored[k]!, n.hash)) {
      const first = n.id.index * 2 ** n.id.level;
      const last = first + 2 ** n.id.level - 1;
      fail(`stored Merkle node (level ${n.id.level}, index ${n.id.index}) over entries ${first}–${last} differs from the recomputed one: one of those entries was edited`, first);
    }
  });
}

/**
 * Equal RFC 8785 texts. Deep strict equality implies them (the same own keys, in any order, which JCS sorts, with
 * values equal under Object.is): the common case, a projection written from the same contract code as the replay,
 * is settled without serialising either side — it differs from the replayed object only in the key order of
 * members copied from a transaction (the submitted order there, the canonical one here). Anything else, such as
 * -0 against 0 (both "0" in JCS), is settled by the canonical texts themselves.
 */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) || canonicalJson(a) === canonicalJson(b);
}

async function compareProjections(source: LedgerSource, state: MemoryState): Promise<number> {
  let compared = 0;
  const seen = new Set<string>();
  for (const kind of KINDS) {
    for await (const rec of source.projections!(kind)) {
      const key = `${kind}:${rec.object.id}`;
      seen.add(key);
      const replayed = state.objects.get(key);
      if (replayed === undefined) fail(`projection ${key} does not exist in the replayed state (inserted outside the log)`);
      if (!sameJson(replayed!.object, rec.object)) {
        fail(`projection ${key} differs from the replayed state (last written by entry ${replayed!.index}): edited outside the log`, replayed!.index);
      }
      compared++;
    }
  }
  for (const [key, rec] of state.objects) {
    if (!seen.has(key)) fail(`projection ${key} (written by entry ${rec.index}) is missing from the store`, rec.index);
  }
  return compared;
}

// Verifying a reading's two-level proof: reading → batch root (RFC 6962 inclusion in the batch tree), anchor entry
// → ledger tree head (RFC 6962 inclusion in the log), and the anchor entry commits to that batch root. Pure and
// browser-safe (only ledger/encoding, ledger/merkle, ledger/entry, ledger/checkpoint): the web verifier bundles it.
// A proof that does not verify returns { ok: false, reason }; only misuse (wrong argument types) throws.
import type { TelemetryAnchorBody } from '../contracts/tx/telemetry-anchor.js';
import { openCheckpointNote } from '../ledger/checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../ledger/checkpoint/note-keys.js';
import { fromBase64, fromHex, toHex } from '../ledger/encoding/bytes.js';
import { canonicalBytes } from '../ledger/encoding/canonical.js';
import { decodeEntry } from '../ledger/entry/entry.js';
import { hashLeaf } from '../ledger/merkle/hash.js';
import { equalBytes, verifyInclusion } from '../ledger/merkle/verify.js';
import type { ReadingRecord } from './store/telemetry-store.js';

export interface ReadingProof {
  readonly v: 1;
  /** The stored reading; its leaf is RFC 8785(record). */
  readonly reading: { readonly id: number; readonly record: ReadingRecord };
  /** Level 1: the reading in its batch. Hashes lowercase hex, path in RFC 9162 order. */
  readonly batch: { readonly id: string; readonly leafIndex: number; readonly size: number; readonly root: string; readonly path: readonly string[] };
  /** Level 2: the telemetry.anchor entry in the ledger. `entry` is base64 of the exact leaf bytes. */
  readonly anchor: { readonly index: number; readonly entry: string; readonly treeSize: number; readonly rootHash: string; readonly path: readonly string[] };
  /** The log's signed checkpoint (C2SP signed note) at treeSize. */
  readonly checkpoint: string;
}

/** What the verifier trusts: the log's verifier key (checks the checkpoint), or a tree head it verified itself. */
export type ProofTrust = { readonly logKey: string } | { readonly size: number; readonly rootHash: Uint8Array };

export type ProofCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const bad = (reason: string): ProofCheck => ({ ok: false, reason });

function hashes(list: readonly string[]): Uint8Array[] | undefined {
  try {
    return list.map((h) => fromHex(h, 'hash'));
  } catch {
    return undefined;
  }
}

function anchorBody(entryB64: string, index: number): TelemetryAnchorBody | string {
  try {
    const entry = decodeEntry(fromBase64(entryB64, 'entry'));
    if (entry.index !== index) return `the entry says index ${entry.index}, the proof ${index}`;
    if (entry.tx.type !== 'telemetry.anchor') return `entry ${index} is a ${entry.tx.type}, not a telemetry.anchor`;
    return entry.tx.body as TelemetryAnchorBody;
  } catch (e) {
    return `the anchor entry does not decode: ${(e as Error).message}`;
  }
}

function checkTrust(proof: ReadingProof, trust: ProofTrust): ProofCheck {
  const root = hashes([proof.anchor.rootHash])?.[0];
  if (root === undefined) return bad('the ledger root is not hex');
  if ('logKey' in trust) {
    try {
      const { checkpoint } = openCheckpointNote(proof.checkpoint, parseVerifierKey(trust.logKey)); // C2SP signed-note
      if (checkpoint.size !== proof.anchor.treeSize || !equalBytes(checkpoint.rootHash, root)) return bad('the checkpoint does not match the proof\'s tree head');
      return { ok: true };
    } catch (e) {
      return bad(`the checkpoint does not verify: ${(e as Error).message}`);
    }
  }
  if (trust.size !== proof.anchor.treeSize || !equalBytes(trust.rootHash, root)) return bad('the proof is for another tree head than the trusted one');
  return { ok: true };
}

export function verifyReadingProof(proof: ReadingProof, trust: ProofTrust): ProofCheck {
  if (typeof proof !== 'object' || proof === null) throw new TypeError('proof: expected a ReadingProof object');
  const { batch, anchor, reading } = proof;
  const batchPath = hashes(batch.path);
  const batchRoot = hashes([batch.root])?.[0];
  if (batchPath === undefined || batchRoot === undefined) return bad('the batch proof is not hex');
  let leaf: Uint8Array;
  try {
    leaf = canonicalBytes(reading.record); // RFC 8785
  } catch (e) {
    return bad(`the reading cannot be canonicalised: ${(e as Error).message}`);
  }
  if (!verifyInclusion(hashLeaf(leaf), batch.leafIndex, batch.size, batchPath, batchRoot)) return bad('the reading is not in the batch (RFC 6962 inclusion fails)'); // RFC 9162 §2.1.3.2
  const body = anchorBody(anchor.entry, anchor.index);
  if (typeof body === 'string') return bad(body);
  if (body.batchRoot !== toHex(batchRoot)) return bad('the anchor entry commits to another batch root');
  if (body.readings !== batch.size) return bad(`the anchor counts ${body.readings} readings, the batch proof ${batch.size}`);
  if (!body.devices.includes(reading.record.device)) return bad('the anchor does not list the reading\'s device');
  const path = hashes(anchor.path);
  const root = hashes([anchor.rootHash])?.[0];
  if (path === undefined || root === undefined) return bad('the ledger proof is not hex');
  const entryBytes = fromBase64(anchor.entry, 'entry');
  if (!verifyInclusion(hashLeaf(entryBytes), anchor.index, anchor.treeSize, path, root)) return bad('the anchor entry is not in the ledger (RFC 6962 inclusion fails)'); // RFC 9162 §2.1.3.2
  return checkTrust(proof, trust);
}

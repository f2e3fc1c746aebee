// One log entry proven against a verified checkpoint: its leaf hash (RFC 6962 §2.1, SHA-256(0x00 ‖ bytes)) and
// inclusion proof (RFC 9162 §2.1.3.2) must lead to the signed root, and the bytes must be the canonical (RFC 8785)
// ledger entry that names the same index. Browser-safe.
import type { Checkpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { fromBase64, fromHex } from '../../../ledger/encoding/bytes.js';
import { decodeEntry, EntryFormatError, type LedgerEntry } from '../../../ledger/entry/entry.js';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import { verifyInclusion } from '../../../ledger/merkle/verify.js';
import type { StepLog } from './verdict.js';

/** An entry with its proof, as the verify endpoint and the PDF evidence carry it. */
export interface ProvenLeaf {
  readonly index: number;
  /** Base64 of the exact bytes hashed into the leaf. */
  readonly leaf: string;
  /** Inclusion proof, RFC 9162 order, lowercase hex. */
  readonly proof: readonly string[];
}

function decodeProof(log: StepLog, proof: readonly string[], index: number): Uint8Array[] {
  try {
    return proof.map((h, i) => fromHex(h, `proof[${i}]`));
  } catch (e) {
    return log.fail('inclusion', 'EVIDENCE_MALFORMED', `The inclusion proof of entry ${index} is not hex: ${(e as Error).message}.`);
  }
}

/**
 * The decoded entry once its inclusion in `cp` is proven; a NOT_IN_LOG or ENTRY_MALFORMED failure otherwise. Records
 * no passed step: the caller summarises (one entry online, many in a PDF).
 */
export function proveEntry(log: StepLog, item: ProvenLeaf, cp: Checkpoint): LedgerEntry {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(item.leaf, 'leaf');
  } catch (e) {
    return log.fail('inclusion', 'EVIDENCE_MALFORMED', `The bytes of entry ${item.index} are not base64: ${(e as Error).message}.`);
  }
  const proof = decodeProof(log, item.proof, item.index);
  if (!verifyInclusion(hashLeaf(bytes), item.index, cp.size, proof, cp.rootHash)) {
    log.fail('inclusion', 'NOT_IN_LOG',
      `Entry ${item.index} is not in the log: its hash and inclusion proof do not lead to the root of the signed checkpoint of size ${cp.size}.`);
  }
  let entry: LedgerEntry;
  try {
    entry = decodeEntry(bytes);
  } catch (e) {
    if (e instanceof EntryFormatError) return log.fail('entry', 'ENTRY_MALFORMED', `Entry ${item.index} is not a canonical ledger entry: ${e.message}.`);
    throw e;
  }
  if (entry.index !== item.index) {
    log.fail('entry', 'ENTRY_MALFORMED', `The entry at log index ${item.index} says it is entry ${entry.index}.`);
  }
  return entry;
}

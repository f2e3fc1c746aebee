// The ledger entry: what a leaf commits to. Leaf bytes = RFC 8785 canonical JSON of the entry, so any
// implementation can re-derive the bytes from the decoded entry and check the leaf hash.
import type { Sig, Tx } from '../../contracts/types.js';
import { canonicalBytes } from '../encoding/canonical.js';
import { parseStrictJson } from '../encoding/strict-json.js';
import { equalBytes } from '../encoding/bytes.js';

export interface LedgerEntry {
  readonly v: 1;
  /** The entry's own ledger index, so a leaf is self-describing (a PDF or proof can be checked alone). */
  readonly index: number;
  /** Sequencer time, RFC 3339 UTC with milliseconds. */
  readonly time: string;
  readonly tx: Tx;
  readonly sigs: readonly Sig[];
}

export function encodeEntry(entry: LedgerEntry): Uint8Array {
  return canonicalBytes(entry); // RFC 8785
}

export class EntryFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EntryFormatError';
  }
}

/** Decode leaf bytes, insisting they are exactly the canonical encoding of what they decode to. */
export function decodeEntry(leaf: Uint8Array): LedgerEntry {
  let value: unknown;
  try {
    value = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(leaf));
  } catch (e) {
    throw new EntryFormatError(`leaf is not valid JSON: ${(e as Error).message}`);
  }
  if (!isEntryShape(value)) throw new EntryFormatError('leaf JSON is not a ledger entry {v:1,index,time,tx,sigs}');
  if (!equalBytes(encodeEntry(value), leaf)) throw new EntryFormatError('leaf bytes are not RFC 8785 canonical');
  return value;
}

function isEntryShape(v: unknown): v is LedgerEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return (
    e['v'] === 1 &&
    Number.isSafeInteger(e['index']) &&
    typeof e['time'] === 'string' &&
    typeof e['tx'] === 'object' &&
    e['tx'] !== null &&
    Array.isArray(e['sigs'])
  );
}

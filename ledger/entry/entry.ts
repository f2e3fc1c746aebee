// The ledger entry: what a leaf commits to. Leaf bytes = RFC 8785 canonical JSON of the entry, so any
// implementation can re-derive the bytes from the decoded entry and check the leaf hash.
import type { Sig, Tx } from '../../contracts/types.js';
import { canonicalBytes, canonicalJson, canonicalJsonOfParsed } from '../encoding/canonical.js';
import { scanCanonicalJson } from '../encoding/canonical-text.js';
import { parseStrictJson } from '../encoding/strict-json.js';
import { isEntryText } from './entry-text.js';

export interface LedgerEntry {
  readonly v: 1;
  /** The entry's own ledger index, so a leaf is self-describing (a PDF or proof can be checked alone). */
  readonly index: number;
  /** Sequencer time, RFC 3339 UTC with milliseconds. */
  readonly time: string;
  readonly tx: Tx;
  readonly sigs: readonly Sig[];
}

/** A decoded entry with the RFC 8785 text of its transaction, which the decoder computed anyway. */
export interface DecodedEntry {
  readonly entry: LedgerEntry;
  /** JCS(entry.tx): what the tx hash and the signatures cover (tx-forms.ts `txFormsOfText`). */
  readonly txText: string;
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

// Fatal: invalid UTF-8 throws instead of becoming U+FFFD, so valid leaf bytes and their text correspond one to one
// (a leading BOM is the one thing decoding drops; decodeEntryText checks the first byte for it).
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const OPEN_BRACE = 0x7b;
const ENTRY_KEYS = 5;

/** Decode leaf bytes, insisting they are exactly the canonical encoding of what they decode to. */
export function decodeEntry(leaf: Uint8Array): LedgerEntry {
  return decodeEntryText(leaf).entry;
}

/**
 * `decodeEntry`, also returning JCS(tx). The common case takes one scan of the text (canonical-text.ts): a leaf
 * that is canonical JSON of a five-member entry starting with `{` is its own canonical encoding, and JCS(tx) is the
 * slice of it between `"tx":` and `,"v":1}`. Anything else takes the reference path, which names what is wrong: a
 * strict parse, then the leaf's text compared with the entry's canonical text composed from its members
 * (entry-text.ts), which equals the leaf bytes exactly when the texts are equal and the leaf starts with `{`.
 */
export function decodeEntryText(leaf: Uint8Array): DecodedEntry {
  let text: string;
  try {
    text = UTF8.decode(leaf);
  } catch (e) {
    throw new EntryFormatError(`leaf is not valid JSON: ${(e as Error).message}`);
  }
  return (leaf[0] === OPEN_BRACE ? scannedEntry(text) : undefined) ?? referenceDecode(leaf, text);
}

const TX_MEMBER = 3; // index, sigs, time, tx, v: the members of an entry in RFC 8785 order
const V_MEMBER_TEXT = ',"v":';

/** The decoded entry when `text` is canonical JSON of an entry with exactly its five members, else undefined. */
function scannedEntry(text: string): DecodedEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isEntryShape(value) || value.index < 0) return undefined;
  const scan = scanCanonicalJson(text);
  if (scan === undefined || scan.valueStarts.length !== ENTRY_KEYS) return undefined;
  const txStart = scan.valueStarts[TX_MEMBER]!;
  const txEnd = scan.valueStarts[TX_MEMBER + 1]! - V_MEMBER_TEXT.length;
  return { entry: value, txText: text.slice(txStart, txEnd) };
}

function referenceDecode(leaf: Uint8Array, text: string): DecodedEntry {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (e) {
    throw new EntryFormatError(`leaf is not valid JSON: ${(e as Error).message}`);
  }
  if (!isEntryShape(value)) throw new EntryFormatError('leaf JSON is not a ledger entry {v:1,index,time,tx,sigs}');
  const txText = canonicalJsonOfParsed(value.tx);
  const canonical = Object.keys(value).length === ENTRY_KEYS && value.index >= 0
    ? isEntryText(text, value.index, value.time, txText, canonicalJsonOfParsed(value.sigs))
    : canonicalJson(value) === text; // extra members or a negative index: canonicalise the whole entry
  if (leaf[0] !== OPEN_BRACE || !canonical) throw new EntryFormatError('leaf bytes are not RFC 8785 canonical');
  return { entry: value, txText };
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

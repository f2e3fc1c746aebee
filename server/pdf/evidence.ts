// The evidence a receipt PDF carries as its embedded file `evidence.json`: the exact leaf bytes of every entry
// that concerns the receipt, each with its RFC 9162 inclusion proof at one ledger size, the C2SP signed
// checkpoint at that size, and the log's verifier key. With it the PDF can be checked offline by anyone
// (`ledgerhouse verify-pdf`, or any RFC 6962 + C2SP signed-note implementation). Written as RFC 8785 canonical
// JSON, so the same dossier always gives the same bytes. Pure and browser-safe.
import { toBase64, toHex } from '../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../ledger/encoding/canonical.js';
import { parseStrictJson } from '../../ledger/encoding/strict-json.js';
import type { DossierEntry, ReceiptDossier } from './receipt-dossier.js';

export const EVIDENCE_FORMAT = 'ledgerhouse-receipt-evidence/v1';
/** Name of the embedded file in the PDF. */
export const EVIDENCE_FILE = 'evidence.json';

export interface EvidenceEntry {
  /** Ledger index of the entry. */
  readonly index: number;
  /** Base64 (RFC 4648 §4) of the exact bytes hashed into the leaf (RFC 8785 JSON of the entry). */
  readonly leaf: string;
  /** Inclusion proof at `size`, RFC 9162 order, lowercase hex hashes. */
  readonly proof: readonly string[];
}

export interface ReceiptEvidence {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly receiptId: string;
  /** The ledger size every proof is taken at; equals the checkpoint's size. */
  readonly size: number;
  /** The C2SP signed checkpoint (signed note) at `size`. */
  readonly checkpoint: string;
  /** The log's verifier key, `origin+keyhash+base64(0x01‖key)` (C2SP signed-note). */
  readonly verifierKey: string;
  /** Every entry that refers to the receipt, in log order. */
  readonly entries: readonly EvidenceEntry[];
  /**
   * The entries that registered (party.register, ledger.genesis) or rotated (party.rotateKey) the key each signer
   * of the entries above (and of these) held when it signed: lets a verifier check every signature offline.
   */
  readonly keyEntries: readonly EvidenceEntry[];
}

export class EvidenceFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceFormatError';
  }
}

/** RFC 8785 canonical bytes of the evidence. */
export function encodeEvidence(evidence: ReceiptEvidence): Uint8Array {
  return canonicalBytes(evidence);
}

const TOP_FIELDS = ['format', 'receiptId', 'size', 'checkpoint', 'verifierKey', 'entries', 'keyEntries'];
const ENTRY_FIELDS = ['index', 'leaf', 'proof'];

function bad(why: string): EvidenceFormatError {
  return new EvidenceFormatError(`${EVIDENCE_FILE}: ${why}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactFields(v: Record<string, unknown>, fields: readonly string[], where: string): void {
  const extra = Object.keys(v).filter((k) => !fields.includes(k));
  if (extra.length > 0) throw bad(`${where} has unexpected field ${JSON.stringify(extra[0])}`);
  const missing = fields.filter((k) => !(k in v));
  if (missing.length > 0) throw bad(`${where} lacks field ${JSON.stringify(missing[0])}`);
}

function parseEntries(v: unknown, where: string): EvidenceEntry[] {
  if (!Array.isArray(v)) throw bad(`${where} must be an array`);
  const entries = v.map((e: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(e)) throw bad(`${at} must be an object`);
    exactFields(e, ENTRY_FIELDS, at);
    if (!Number.isSafeInteger(e['index']) || (e['index'] as number) < 0) throw bad(`${at}.index must be a non-negative integer`);
    if (typeof e['leaf'] !== 'string') throw bad(`${at}.leaf must be a base64 string`);
    const proof = e['proof'];
    if (!Array.isArray(proof) || !proof.every((h) => typeof h === 'string')) throw bad(`${at}.proof must be an array of hex strings`);
    return { index: e['index'] as number, leaf: e['leaf'], proof: proof as string[] };
  });
  entries.forEach((e, i) => {
    const prev = entries[i - 1];
    if (prev !== undefined && e.index <= prev.index) throw bad(`${where} must be in ascending index order without repeats (at ${where}[${i}])`);
  });
  return entries;
}

/**
 * Parses evidence bytes: strict JSON (no duplicate keys), exactly the v1 fields with the right types. Throws
 * EvidenceFormatError naming the field at fault. Says nothing about whether the evidence is true.
 */
export function parseEvidence(bytes: Uint8Array): ReceiptEvidence {
  let value: unknown;
  try {
    value = parseStrictJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw bad(`not valid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(value)) throw bad('must be a JSON object');
  if (value['format'] !== EVIDENCE_FORMAT) throw bad(`format must be ${JSON.stringify(EVIDENCE_FORMAT)}, got ${JSON.stringify(value['format'])}`);
  exactFields(value, TOP_FIELDS, 'evidence');
  for (const f of ['receiptId', 'checkpoint', 'verifierKey'] as const) {
    if (typeof value[f] !== 'string') throw bad(`${f} must be a string`);
  }
  if (!Number.isSafeInteger(value['size']) || (value['size'] as number) < 1) throw bad('size must be a positive integer');
  return {
    format: EVIDENCE_FORMAT,
    receiptId: value['receiptId'] as string,
    size: value['size'] as number,
    checkpoint: value['checkpoint'] as string,
    verifierKey: value['verifierKey'] as string,
    entries: parseEntries(value['entries'], 'entries'),
    keyEntries: parseEntries(value['keyEntries'], 'keyEntries'),
  };
}

/** The evidence for a dossier: leaves as base64, proofs as hex, exactly as gathered. */
export function dossierEvidence(d: ReceiptDossier): ReceiptEvidence {
  const entry = (e: DossierEntry): EvidenceEntry => ({ index: e.index, leaf: toBase64(e.leaf), proof: e.proof.map(toHex) });
  return {
    format: EVIDENCE_FORMAT, receiptId: d.receiptId, size: d.size, checkpoint: d.checkpoint, verifierKey: d.verifierKey,
    entries: d.history.map(entry), keyEntries: d.keyEntries.map(entry),
  };
}

// Did this entry create this receipt? Receipt ids are derived from the index of the entry that created them
// ([ID-1] contracts/ids.ts): `rc-<12-digit index>`, or `rc-<index>-<nn>` for the n-th of several created by one
// entry. So a proven entry at index i created `rc-…i…` exactly when its transaction type creates receipts and
// creates at least n of them. Mirrors the contracts without importing them (web/ bundles ledger code only);
// test/web/receipt-creation.test.ts checks the mirror against the real contracts. Browser-safe.
import type { LedgerEntry } from '../../../ledger/entry/entry.js';

const RECEIPT_ID = /^rc-(\d{12})(?:-(\d{2}))?$/;

export interface ReceiptIdParts {
  readonly index: number;
  /** 1-based position among several receipts created by one entry; absent for a single one. */
  readonly n?: number;
}

/** The index (and position) a receipt id encodes, or undefined when it is not a receipt id. */
export function parseReceiptId(id: string): ReceiptIdParts | undefined {
  const m = RECEIPT_ID.exec(id);
  if (m === null) return undefined;
  const index = Number(m[1]);
  if (m[2] === undefined) return { index };
  const n = Number(m[2]);
  return n >= 1 ? { index, n } : undefined;
}

function partsCount(body: unknown): number {
  const parts = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['parts'] : undefined;
  return Array.isArray(parts) ? parts.length : 0;
}

/** How many receipts an entry of `type` creates: 1 unnumbered, or k numbered; 0 when it creates none. */
function created(entry: LedgerEntry): { single: boolean; count: number } {
  switch (entry.tx.type) {
    case 'receipt.issue': // contracts/tx/receipt-issue.ts
    case 'receipt.merge': // contracts/tx/receipt-merge.ts
    case 'receipt.fromPaper': // contracts/tx/receipt-from-paper.ts
      return { single: true, count: 1 };
    case 'receipt.split': // contracts/tx/receipt-split.ts: one per part
      return { single: false, count: partsCount(entry.tx.body) };
    case 'pledge.partialRelease': // contracts/tx/pledge-partial-release.ts: released (01) and kept (02)
      return { single: false, count: 2 };
    default:
      return { single: false, count: 0 };
  }
}

/** A sentence on why `entry` did not create `receiptId`, or undefined when it did. */
export function creationProblem(entry: LedgerEntry, receiptId: string): string | undefined {
  const id = parseReceiptId(receiptId);
  if (id === undefined) return `'${receiptId}' is not a receipt id`;
  if (id.index !== entry.index) return `receipt ${receiptId} was created by entry ${id.index}, not by entry ${entry.index}`;
  const c = created(entry);
  if (c.count === 0) return `entry ${entry.index} is a ${entry.tx.type}, which creates no receipt`;
  if (c.single ? id.n !== undefined : id.n === undefined || id.n > c.count) {
    return `entry ${entry.index} (${entry.tx.type}) created ${c.single ? 'one receipt' : `${c.count} receipts`}, not ${receiptId}`;
  }
  return undefined;
}

/** The issuing warehouse an entry names, when its type names one (receipt.issue). */
export function namedWarehouse(entry: LedgerEntry): string | undefined {
  if (entry.tx.type !== 'receipt.issue') return undefined;
  const body = entry.tx.body;
  const w = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['warehouse'] : undefined;
  return typeof w === 'string' ? w : undefined;
}

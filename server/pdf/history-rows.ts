// One line of plain words per ledger entry in a receipt's history (endorsements, liens, lineage, alerts), for the
// PDF's history table. Pure: reads only the entry itself and the receipt id the document is about.
import { objectId } from '../../contracts/ids.js';
import type { LedgerEntry } from '../../ledger/entry/entry.js';

export interface HistoryRow {
  readonly index: number;
  readonly time: string;
  readonly type: string;
  readonly what: string;
  readonly signedBy: string;
}

type Body = Readonly<Record<string, unknown>>;

function field(body: Body, key: string): string {
  const v = body[key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '?';
}

function list(body: Body, key: string): string[] {
  const v = body[key];
  return Array.isArray(v) ? v.map(String) : [];
}

function nested(body: Body, key: string): Body {
  const v = body[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Body) : {};
}

/** Whether the entry at `index` created `receiptId` (receipt ids are named after their creating entry [ID-1]). */
export function createdBy(receiptId: string, index: number): boolean {
  const base = objectId('rc', index);
  return receiptId === base || (receiptId.startsWith(`${base}-`) && /^\d{2}$/.test(receiptId.slice(base.length + 1)));
}

function describe(e: LedgerEntry, receiptId: string): string {
  const b = (typeof e.tx.body === 'object' && e.tx.body !== null ? e.tx.body : {}) as Body;
  const created = createdBy(receiptId, e.index);
  switch (e.tx.type) {
    case 'receipt.issue':
      return `Issued by ${field(b, 'warehouse')} to ${field(b, 'holder')}: ${field(b, 'quantity')} ${field(b, 'unit')} of lot ${field(b, 'lot')}`;
    case 'receipt.transfer':
      return `Endorsed to ${field(b, 'to')}`;
    case 'receipt.split':
      return created ? `Created by splitting ${field(b, 'receipt')}` : `Split into parts of ${list(b, 'parts').join(' + ')}`;
    case 'receipt.merge':
      return created ? `Created by merging ${list(b, 'receipts').join(', ')}` : `Merged into ${objectId('rc', e.index)}`;
    case 'pledge.create':
      return `Pledged to ${field(b, 'bank')}: ${field(b, 'amount')} ${field(b, 'currency')}, maturity ${field(b, 'maturity')}`;
    case 'pledge.release': {
      const i = nested(b, 'instruction');
      return `Lien ${field(b, 'pledge')} released (${field(i, 'reason')}, instruction ${field(i, 'reference')})`;
    }
    case 'pledge.partialRelease':
      return created
        ? `Created by partial release of lien ${field(b, 'pledge')}`
        : `Lien ${field(b, 'pledge')} partially released: ${field(b, 'quantity')} freed`;
    case 'pledge.enforce':
      return `Lien ${field(b, 'pledge')} enforced: the bank took control`;
    case 'receipt.redeem':
      return 'Redeemed: goods delivered out of the warehouse';
    case 'receipt.toPaper':
      return `Converted to paper receipt ${field(b, 'paperSerial')}`;
    case 'receipt.fromPaper':
      return created ? `Re-issued electronically from paper ${field(b, 'paperSerial')}` : 'Paper receipt surrendered and re-issued';
    case 'alert.raise':
      return `Alert (${field(b, 'severity')}) on ${field(b, 'covenant')}: ${field(b, 'message')}`;
    case 'alert.resolve':
      return `Alert ${field(b, 'alert')} resolved: ${field(b, 'resolution')}`;
    default:
      return e.tx.type;
  }
}

export function historyRow(e: LedgerEntry, receiptId: string): HistoryRow {
  return {
    index: e.index, time: e.time, type: e.tx.type, what: describe(e, receiptId),
    signedBy: e.sigs.map((s) => s.signer).join(', '),
  };
}

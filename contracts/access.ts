// Object-level read access (DESIGN.md "Access"), the public verifier's minimum, and the lien flag a bank may
// see before lending. Reads a few objects through the view (the pledges a receipt lists); never scans.
import { read } from './read.js';
import type { Alert, AnyState, Device, Lot, Party, Pledge, Receipt } from './state.js';
import type { StateObject, StateView } from './types.js';

/** What anyone may learn about a receipt: nothing commercial. 'paper': the record was converted to paper. */
export type PublicStatus = 'active' | 'pledged' | 'redeemed' | 'inoperative' | 'paper';

export function publicStatus(r: Receipt): PublicStatus {
  if (r.status === 'inoperative') return r.inoperativeReason === 'paper' && r.surrenderedFor === undefined ? 'paper' : 'inoperative';
  return r.status;
}

/** Whether the receipt is under an active lien; says nothing about the lender or the terms. */
export function isUnderLien(r: Receipt): boolean {
  return r.status === 'pledged';
}

/** A lender or pledgor of any pledge ever taken on the receipt (or, through lineage, its ancestors). */
function isPledgeParty(reader: Party, r: Receipt, view: StateView): boolean {
  return r.pledges.some((id) => {
    const p = read(view, 'pledge', id);
    return p !== undefined && (p.bank === reader.id || p.holder === reader.id);
  });
}

/** Holder, lender or pledgor: the commercial parties of the receipt. */
function isCommercialParty(reader: Party, r: Receipt, view: StateView): boolean {
  return r.holder === reader.id || isPledgeParty(reader, r, view);
}

function canReadReceipt(reader: Party, r: Receipt, view: StateView): boolean {
  if (r.warehouse === reader.id) return true; // a warehouse sees what it issued
  if (r.certificates.some((c) => c.inspector === reader.id)) return true; // an inspector sees what it certified
  return isCommercialParty(reader, r, view);
}

function canReadPledge(reader: Party, p: Pledge, view: StateView): boolean {
  if (p.bank === reader.id || p.holder === reader.id) return true;
  const r = read(view, 'receipt', p.receipt);
  return r !== undefined && r.holder === reader.id; // a later holder sees the lien its receipt carries
}

function canReadAlert(reader: Party, a: Alert, view: StateView): boolean {
  if (a.warehouse === reader.id) return true; // alerts on its sites
  if (a.pledge !== undefined && read(view, 'pledge', a.pledge)?.bank === reader.id) return true;
  const r = read(view, 'receipt', a.receipt);
  return r !== undefined && isCommercialParty(reader, r, view);
}

/**
 * Whether `reader` may read `obj`. Revoked parties read nothing; operator and regulator read everything; the
 * gateway reads what the covenant monitor needs; party and meta objects (keys, roles, anchors) are a public
 * directory. A bank sees collateral it holds or held a lien on (pledge.create needs both signatures, so there
 * is no separate "offered" state: a bank is offered a receipt by being shown it through the holder).
 */
export function canRead(reader: Party, obj: StateObject, view: StateView): boolean {
  if (reader.status !== 'active') return false;
  if (reader.role === 'operator' || reader.role === 'regulator') return true;
  const o = obj as AnyState;
  switch (o.kind) {
    case 'party':
    case 'meta':
      return true;
    case 'device':
      return reader.role === 'gateway' || (o as Device).warehouse === reader.id;
    case 'lot':
      return reader.role === 'gateway' || (o as Lot).warehouse === reader.id;
    case 'receipt':
      return reader.role === 'gateway' || canReadReceipt(reader, o, view);
    case 'pledge':
      return reader.role === 'gateway' || canReadPledge(reader, o, view);
    case 'alert':
      return reader.role === 'gateway' || canReadAlert(reader, o, view);
    default:
      return false;
  }
}

// Receipts made from receipts, and receipts retired in their favour. [LIN-1]
import type { InoperativeReason, Receipt, ReceiptOrigin } from './state.js';
import type { Ctx } from './types.js';
import { withoutPledge } from './receipt-guards.js';

/**
 * A new operative, unpledged, unfrozen receipt carrying the goods identity of `parent` (same lot, commodity,
 * grade, unit, site, bay, certificates, expiry, pledge history, holder), with its own id and quantity.
 */
export function childOf(
  parent: Receipt, ctx: Ctx, id: string, quantity: string, origin: ReceiptOrigin, parents: readonly string[],
): Receipt {
  return {
    kind: 'receipt', id, warehouse: parent.warehouse, holder: parent.holder, status: 'active',
    pledges: [...parent.pledges], lot: parent.lot, quantity, unit: parent.unit, site: parent.site, bay: parent.bay,
    commodity: parent.commodity, grade: parent.grade, certificates: [...parent.certificates],
    ...(parent.expiry === undefined ? {} : { expiry: parent.expiry }),
    origin, parents: [...parents], frozenBy: [], issuedAt: ctx.time, issuedIndex: ctx.index, updatedIndex: ctx.index,
  };
}

/** `r` made inoperative in favour of `successors` (its lien, if any, has moved or ended). [LIN-1] */
export function retire(r: Receipt, ctx: Ctx, reason: InoperativeReason, successors: readonly string[]): Receipt {
  return {
    ...withoutPledge(r), status: 'inoperative', inoperativeReason: reason, successors: [...successors],
    updatedIndex: ctx.index,
  };
}

// receipt.fromPaper: the warehouse re-issues an electronic receipt against a surrendered paper receipt,
// once per paper receipt, to whoever surrendered it. [PAPER-1] [LIN-1]
import { activeParty } from '../authority.js';
import { fail } from '../errors.js';
import { objectId } from '../ids.js';
import { adjustLot, loadLot } from '../lot-totals.js';
import { done, event } from '../outcome.js';
import { quantityUnits } from '../quantity.js';
import { loadReceipt, warehouseSigned } from '../receipt-guards.js';
import { childOf } from '../receipt-lineage.js';
import { object, objectRef, partyRef, text } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptFromPaperBody {
  readonly receipt: string;
  readonly paperSerial: string;
  readonly holder: string;
}

export const receiptFromPaper = defineTx<ReceiptFromPaperBody>({
  type: 'receipt.fromPaper',
  summary: 'Re-issue an electronic receipt against a surrendered paper receipt.',
  signedBy: 'warehouse',
  schema: object('Change of medium back to electronic', {
    receipt: objectRef('The electronic receipt that was converted to paper'),
    paperSerial: text('Serial of the surrendered paper receipt (must match the one recorded)', 128),
    holder: partyRef('The party that surrendered the paper receipt, who becomes the holder'),
  }),
  apply(view, body, ctx) {
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const old = r.value;
    const notWarehouse = warehouseSigned(ctx, old); // [PAPER-1]
    if (notWarehouse) return notWarehouse;
    if (old.inoperativeReason !== 'paper') return fail('RECEIPT_NOT_PAPER', `receipt '${old.id}' is not on paper`, '/receipt');
    if (old.surrenderedFor !== undefined) {
      return fail('PAPER_ALREADY_SURRENDERED', `already re-issued as '${old.surrenderedFor}'`, '/receipt'); // [PAPER-1]
    }
    if (old.paperSerial !== body.paperSerial) return fail('PAPER_SERIAL_MISMATCH', 'serial does not match', '/paperSerial');
    const holder = activeParty(view, body.holder, '/holder'); // [SING-3]
    if (!holder.ok) return holder;
    const lot = loadLot(view, old.warehouse, old.lot, '/receipt');
    if (!lot.ok) return lot;
    const q = quantityUnits(old.quantity, old.unit);
    const nextLot = adjustLot(lot.value, { paper: -q, live: q }, '/receipt'); // [SING-1]
    if (!nextLot.ok) return nextLot;
    const id = objectId('rc', ctx.index);
    const fresh: Receipt = { ...childOf(old, ctx, id, old.quantity, 'from-paper', [old.id]), holder: body.holder };
    const surrendered: Receipt = { ...old, surrenderedFor: id, successors: [id], updatedIndex: ctx.index };
    return done([nextLot.value, surrendered, fresh], [event('receipt.fromPaper', { receipt: [old.id, id], lot: [lot.value.id] })]);
  },
});

// receipt.toPaper: change of medium. The electronic record becomes inoperative; the paper serial is recorded
// and the quantity stays committed in the lot (as paper) so the same goods cannot be receipted twice. [PAPER-1]
import { adjustLot, loadLot } from '../lot-totals.js';
import { done, event } from '../outcome.js';
import { quantityUnits } from '../quantity.js';
import { holderSigned, loadReceipt, notFrozen, notPledged, operative, warehouseSigned } from '../receipt-guards.js';
import { retire } from '../receipt-lineage.js';
import { object, objectRef, text } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptToPaperBody {
  readonly receipt: string;
  readonly paperSerial: string;
}

export const receiptToPaper = defineTx<ReceiptToPaperBody>({
  type: 'receipt.toPaper',
  summary: 'Convert a receipt to paper: the electronic record becomes inoperative, the paper serial is recorded.',
  signedBy: 'holder + warehouse',
  schema: object('Change of medium to paper', {
    receipt: objectRef('The receipt id (not pledged, not frozen)'),
    paperSerial: text('Serial number printed on the paper receipt', 128),
  }),
  apply(view, body, ctx) {
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const bad = operative(r.value, '/receipt') ?? holderSigned(ctx, r.value) ?? warehouseSigned(ctx, r.value) // [PAPER-1]
      ?? notPledged(r.value, '/receipt') ?? notFrozen(r.value, '/receipt'); // [LIEN-2] [FRZ-1]
    if (bad) return bad;
    const lot = loadLot(view, r.value.warehouse, r.value.lot, '/receipt');
    if (!lot.ok) return lot;
    const q = quantityUnits(r.value.quantity, r.value.unit);
    const nextLot = adjustLot(lot.value, { live: -q, paper: q }, '/receipt'); // [SING-1] still committed
    if (!nextLot.ok) return nextLot;
    const next: Receipt = { ...retire(r.value, ctx, 'paper', []), paperSerial: body.paperSerial };
    return done([nextLot.value, next], [event('receipt.toPaper', { receipt: [next.id], lot: [lot.value.id] })]);
  },
});

// receipt.redeem: the goods are delivered out to the holder; the receipt ends. [RED-1]
import { adjustLot, loadLot } from '../lot-totals.js';
import { done, event } from '../outcome.js';
import { quantityUnits } from '../quantity.js';
import { holderSigned, loadReceipt, notFrozen, notPledged, operative, warehouseSigned } from '../receipt-guards.js';
import { object, objectRef } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptRedeemBody {
  readonly receipt: string;
}

export const receiptRedeem = defineTx<ReceiptRedeemBody>({
  type: 'receipt.redeem',
  summary: 'Redeem a receipt: the warehouse delivers the goods out and the receipt ends.',
  signedBy: 'holder + warehouse',
  schema: object('Redemption', { receipt: objectRef('The receipt id (not pledged, not frozen)') }),
  apply(view, body, ctx) {
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const bad = operative(r.value, '/receipt') ?? holderSigned(ctx, r.value) ?? warehouseSigned(ctx, r.value) // [RED-1]
      ?? notPledged(r.value, '/receipt') ?? notFrozen(r.value, '/receipt'); // [LIEN-2] [FRZ-1]
    if (bad) return bad;
    const lot = loadLot(view, r.value.warehouse, r.value.lot, '/receipt');
    if (!lot.ok) return lot;
    const q = quantityUnits(r.value.quantity, r.value.unit);
    const nextLot = adjustLot(lot.value, { live: -q, withdrawn: q }, '/receipt'); // [RED-1] goods leave the lot
    if (!nextLot.ok) return nextLot;
    const next: Receipt = { ...r.value, status: 'redeemed', updatedIndex: ctx.index };
    return done([nextLot.value, next], [event('receipt.redeemed', { receipt: [next.id], lot: [lot.value.id] })]);
  },
});

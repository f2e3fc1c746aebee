// receipt.transfer (endorsement): the holder hands the receipt to another party. [CTRL-1] [LIEN-2] [FRZ-1]
import { activeParty } from '../authority.js';
import { fail } from '../errors.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { holderSigned, loadReceipt, notFrozen, operative } from '../receipt-guards.js';
import { object, objectRef, partyRef } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptTransferBody {
  readonly receipt: string;
  readonly to: string;
}

export const receiptTransfer = defineTx<ReceiptTransferBody>({
  type: 'receipt.transfer',
  summary: 'Endorse a receipt to a new holder; a pledged receipt moves only with its lienholder\'s signature.',
  signedBy: 'holder (+ lienholder if pledged)',
  schema: object('Endorsement', {
    receipt: objectRef('The receipt id'),
    to: partyRef('The new holder'),
  }),
  apply(view, body, ctx) {
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const bad = operative(r.value, '/receipt') ?? holderSigned(ctx, r.value) ?? notFrozen(r.value, '/receipt'); // [CTRL-1] [FRZ-1]
    if (bad) return bad;
    if (r.value.pledge !== undefined) {
      const bank = read(view, 'pledge', r.value.pledge)?.bank;
      if (bank === undefined || !ctx.signers.has(bank)) {
        return fail('RECEIPT_PLEDGED', `the lienholder '${bank ?? '?'}' must co-sign`, '/receipt'); // [LIEN-2]
      }
    }
    if (body.to === r.value.holder) return fail('TRANSFER_TO_SELF', `'${body.to}' already holds the receipt`, '/to');
    const to = activeParty(view, body.to, '/to'); // [SING-3]
    if (!to.ok) return to;
    const next: Receipt = { ...r.value, holder: body.to, updatedIndex: ctx.index };
    return done([next], [event('receipt.transferred', { receipt: [next.id], party: [r.value.holder, body.to] })]);
  },
});

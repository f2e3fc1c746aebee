// pledge.enforce: on default the lienholder takes control: it becomes the holder. [CTRL-2] [CTRL-3]
import { done, event } from '../outcome.js';
import { lienholderAction } from '../pledge-guards.js';
import { withoutPledge } from '../receipt-guards.js';
import { object, objectRef, text } from '../schema-parts.js';
import type { Pledge, Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface PledgeEnforceBody {
  readonly pledge: string;
  readonly notice: string;
}

export const pledgeEnforce = defineTx<PledgeEnforceBody>({
  type: 'pledge.enforce',
  summary: 'Enforce a pledge on default: the bank becomes the holder of the receipt.',
  signedBy: 'the lienholder (bank)',
  schema: object('Enforcement', {
    pledge: objectRef('The pledge id'),
    notice: text('The bank\'s notice of default and enforcement, for the record', 1024),
  }),
  apply(view, body, ctx) {
    const a = lienholderAction(view, ctx, body.pledge, '/pledge'); // [CTRL-2]
    if (!a.ok) return a;
    const { pledge, receipt } = a.value;
    const enforced: Pledge = { ...pledge, status: 'enforced', enforcement: { index: ctx.index, notice: body.notice } };
    const next: Receipt = {
      ...withoutPledge(receipt), status: 'active', holder: pledge.bank, enforcedBy: pledge.id, updatedIndex: ctx.index, // [CTRL-3]
    };
    return done([enforced, next], [event('pledge.enforced', { pledge: [pledge.id], receipt: [receipt.id], party: [pledge.bank, receipt.holder] })]);
  },
});

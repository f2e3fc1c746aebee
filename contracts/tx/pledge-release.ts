// pledge.release: the lienholder lifts the lien wholly; the body is the explicit release instruction. [REL-1]
import { done, event } from '../outcome.js';
import { INSTRUCTION_SCHEMA } from '../instruction.js';
import { lienholderAction } from '../pledge-guards.js';
import { withoutPledge } from '../receipt-guards.js';
import { object, objectRef } from '../schema-parts.js';
import type { Pledge, Receipt, ReleaseInstruction } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface PledgeReleaseBody {
  readonly pledge: string;
  readonly instruction: ReleaseInstruction;
}

export const pledgeRelease = defineTx<PledgeReleaseBody>({
  type: 'pledge.release',
  summary: 'Release a pledge wholly; the receipt is free of the lien.',
  signedBy: 'the lienholder (bank)',
  schema: object('Release instruction', {
    pledge: objectRef('The pledge id'),
    instruction: INSTRUCTION_SCHEMA,
  }),
  apply(view, body, ctx) {
    const a = lienholderAction(view, ctx, body.pledge, '/pledge'); // [CTRL-2]
    if (!a.ok) return a;
    const { pledge, receipt } = a.value;
    const released: Pledge = { ...pledge, status: 'released', release: { ...body.instruction, index: ctx.index } }; // [REL-1]
    const next: Receipt = { ...withoutPledge(receipt), status: 'active', updatedIndex: ctx.index };
    return done([released, next], [event('pledge.released', { pledge: [pledge.id], receipt: [receipt.id], party: [pledge.bank] })]);
  },
});

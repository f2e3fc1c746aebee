// pledge.partialRelease: the lienholder releases part of the quantity. The pledged receipt (quantity Q) is
// split in two: child -01 for the released quantity q (active, free of the lien, same holder) and child -02
// for Q − q (still pledged under the same pledge, which now points at it). 0 < q < Q; the parent becomes
// inoperative. The quantity floor may be lowered in the same instruction and must not exceed Q − q.
// [CTRL-2] [QTY-2] [LIN-1] [REL-1]
import { checkFloor } from '../covenants.js';
import { fail } from '../errors.js';
import { objectId } from '../ids.js';
import { INSTRUCTION_SCHEMA } from '../instruction.js';
import { done, event } from '../outcome.js';
import { lienholderAction } from '../pledge-guards.js';
import { formatQuantity, parseQuantity, quantityUnits } from '../quantity.js';
import { notFrozen } from '../receipt-guards.js';
import { childOf, retire } from '../receipt-lineage.js';
import { object, objectRef, quantity } from '../schema-parts.js';
import type { Pledge, Receipt, ReleaseInstruction } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface PledgePartialReleaseBody {
  readonly pledge: string;
  readonly quantity: string;
  readonly instruction: ReleaseInstruction;
  readonly quantityFloor?: string;
}

export const pledgePartialRelease = defineTx<PledgePartialReleaseBody>({
  type: 'pledge.partialRelease',
  summary: 'Release part of the pledged quantity: the receipt splits into a released and a still-pledged receipt.',
  signedBy: 'the lienholder (bank)',
  schema: object('Partial release instruction', {
    pledge: objectRef('The pledge id'),
    quantity: quantity('Quantity released from the lien, in the receipt\'s unit; less than the pledged quantity'),
    instruction: INSTRUCTION_SCHEMA,
  }, {
    quantityFloor: quantity('New quantity-floor covenant for what stays pledged (required if the old floor is higher)'),
  }),
  apply(view, body, ctx) {
    const a = lienholderAction(view, ctx, body.pledge, '/pledge'); // [CTRL-2]
    if (!a.ok) return a;
    const { pledge, receipt } = a.value;
    const frozen = notFrozen(receipt, '/pledge'); // [FRZ-1]
    if (frozen) return frozen;
    const q = parseQuantity(body.quantity, receipt.unit, '/quantity'); // [QTY-1]
    if (!q.ok) return q;
    const total = quantityUnits(receipt.quantity, receipt.unit);
    if (q.value >= total) return fail('QUANTITY_INVALID', `must be less than ${receipt.quantity}; use pledge.release`, '/quantity');
    const remaining = total - q.value; // [QTY-2] q + remaining = total
    const floorText = body.quantityFloor ?? pledge.covenants.quantityFloor;
    const floor = floorText === undefined ? undefined : checkFloor(floorText, remaining, receipt.unit, '/quantityFloor'); // [COV-1]
    if (floor !== undefined && !floor.ok) return floor;
    const releasedId = objectId('rc', ctx.index, 1);
    const keptId = objectId('rc', ctx.index, 2);
    const released = childOf(receipt, ctx, releasedId, formatQuantity(q.value, receipt.unit), 'partial-release', [receipt.id]);
    const kept: Receipt = {
      ...childOf(receipt, ctx, keptId, formatQuantity(remaining, receipt.unit), 'partial-release', [receipt.id]),
      status: 'pledged', pledge: pledge.id, // [LIEN-1] the lien moves to the kept part only
    };
    const next: Pledge = {
      ...pledge, receipt: keptId, receipts: [...pledge.receipts, keptId],
      covenants: floor === undefined ? pledge.covenants : { ...pledge.covenants, quantityFloor: floor.value },
      partialReleases: [...pledge.partialReleases, {
        index: ctx.index, quantity: released.quantity, from: receipt.id, released: releasedId, remaining: keptId,
        instruction: body.instruction, // [REL-1]
      }],
    };
    return done(
      [retire(receipt, ctx, 'partial-release', [releasedId, keptId]), released, kept, next],
      [event('pledge.partiallyReleased', { pledge: [pledge.id], receipt: [receipt.id, releasedId, keptId] })],
    );
  },
});

// receipt.split: the holder divides a receipt into parts whose quantities add up exactly. [QTY-2] [LIN-1]
import { fail } from '../errors.js';
import { MAX_CHILDREN, objectId } from '../ids.js';
import { done, event } from '../outcome.js';
import { formatQuantity, parseQuantity, quantityUnits } from '../quantity.js';
import { movableByHolder } from '../receipt-guards.js';
import { childOf, retire } from '../receipt-lineage.js';
import { object, objectRef, quantity } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptSplitBody {
  readonly receipt: string;
  readonly parts: readonly string[];
}

export const receiptSplit = defineTx<ReceiptSplitBody>({
  type: 'receipt.split',
  summary: 'Split a receipt into several whose quantities add up exactly; the original becomes inoperative.',
  signedBy: 'holder',
  schema: object('Split', {
    receipt: objectRef('The receipt to split (not pledged, not frozen)'),
    parts: {
      type: 'array', description: `Quantity of each new receipt, in the receipt's unit, in order (2..${MAX_CHILDREN})`,
      items: quantity('Quantity of one part'), minItems: 2, maxItems: MAX_CHILDREN,
    },
  }),
  apply(view, body, ctx) {
    const r = movableByHolder(view, ctx, body.receipt, '/receipt'); // [CTRL-1] [LIEN-2] [FRZ-1]
    if (!r.ok) return r;
    const parent = r.value;
    const parts: bigint[] = [];
    for (const [i, text] of body.parts.entries()) {
      const q = parseQuantity(text, parent.unit, `/parts/${i}`); // [QTY-1]
      if (!q.ok) return q;
      parts.push(q.value);
    }
    const total = parts.reduce((a, b) => a + b, 0n);
    if (total !== quantityUnits(parent.quantity, parent.unit)) { // [QTY-2]
      return fail('QUANTITY_NOT_CONSERVED', `parts add up to ${formatQuantity(total, parent.unit)}, not ${parent.quantity}`, '/parts');
    }
    const children: Receipt[] = parts.map((q, i) =>
      childOf(parent, ctx, objectId('rc', ctx.index, i + 1), formatQuantity(q, parent.unit), 'split', [parent.id]),
    );
    const ids = children.map((c) => c.id);
    return done([retire(parent, ctx, 'split', ids), ...children], [event('receipt.split', { receipt: [parent.id, ...ids] })]);
  },
});

// receipt.merge: the holder combines receipts of the same goods into one. [MERGE-1] [QTY-2] [LIN-1]
import { fail } from '../errors.js';
import { MAX_CHILDREN, objectId } from '../ids.js';
import { mergeCertificates } from '../certificates.js';
import { done, event } from '../outcome.js';
import { formatQuantity, quantityUnits } from '../quantity.js';
import { movableByHolder } from '../receipt-guards.js';
import { childOf, retire } from '../receipt-lineage.js';
import { object, objectRef } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { timeValue } from '../time.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptMergeBody {
  readonly receipts: readonly string[];
}

/** Fields that must agree for receipts to merge. [MERGE-1] */
const SAME = ['warehouse', 'lot', 'commodity', 'grade', 'unit', 'holder'] as const;

/** The earliest expiry among `rs`, if any has one: the merged goods are as perishable as the most perishable. */
function earliestExpiry(rs: readonly Receipt[]): string | undefined {
  const xs = rs.flatMap((r) => (r.expiry === undefined ? [] : [r.expiry]));
  return xs.reduce<string | undefined>((a, x) => (a === undefined || (timeValue(x) ?? 0n) < (timeValue(a) ?? 0n) ? x : a), undefined);
}

export const receiptMerge = defineTx<ReceiptMergeBody>({
  type: 'receipt.merge',
  summary: 'Merge receipts of the same lot, commodity, grade, unit and holder into one; the originals become inoperative.',
  signedBy: 'holder',
  schema: object('Merge', {
    receipts: {
      type: 'array', description: `The receipts to merge, 2..${MAX_CHILDREN}, each not pledged and not frozen`,
      items: objectRef('A receipt id'), minItems: 2, maxItems: MAX_CHILDREN,
    },
  }),
  apply(view, body, ctx) {
    const dup = body.receipts.findIndex((id, i) => body.receipts.indexOf(id) !== i);
    if (dup >= 0) return fail('MERGE_DUPLICATE', `receipt '${body.receipts[dup] ?? ''}' appears twice`, `/receipts/${dup}`);
    const parents: Receipt[] = [];
    for (const [i, id] of body.receipts.entries()) {
      const r = movableByHolder(view, ctx, id, `/receipts/${i}`); // [CTRL-1] [LIEN-2] [FRZ-1]
      if (!r.ok) return r;
      parents.push(r.value);
    }
    const [first, ...rest] = parents;
    if (first === undefined) throw new RangeError('schema guarantees at least two receipts');
    for (const [i, r] of rest.entries()) {
      const f = SAME.find((k) => r[k] !== first[k]);
      if (f !== undefined) return fail('MERGE_MISMATCH', `${f} differs from the first receipt's`, `/receipts/${i + 1}`); // [MERGE-1]
    }
    const total = parents.reduce((a, r) => a + quantityUnits(r.quantity, r.unit), 0n); // [QTY-2]
    const id = objectId('rc', ctx.index);
    const ids = parents.map((p) => p.id);
    const base = childOf(first, ctx, id, formatQuantity(total, first.unit), 'merge', ids);
    const { expiry: _e, ...noExpiry } = base;
    const expiry = earliestExpiry(parents);
    const child: Receipt = {
      ...noExpiry, ...(expiry === undefined ? {} : { expiry }),
      certificates: mergeCertificates(parents.map((p) => p.certificates)),
      pledges: [...new Set(parents.flatMap((p) => p.pledges))].sort(),
    };
    return done([...parents.map((p) => retire(p, ctx, 'merged', [id])), child], [event('receipt.merged', { receipt: [...ids, id] })]);
  },
});

// receipt.issue: a warehouse issues a receipt for goods of a deposited lot to a holder. [SING-1] [SING-2]
import { activeParty, activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { objectId } from '../ids.js';
import { adjustLot, loadLot } from '../lot-totals.js';
import { done, event } from '../outcome.js';
import { formatQuantity, parseQuantity } from '../quantity.js';
import { lotRef, object, partyRef, quantity, sha256Hex, text, unit, utcTime } from '../schema-parts.js';
import type { Receipt } from '../state.js';
import { isAfter } from '../time.js';
import { defineTx } from '../tx-handler.js';

export interface ReceiptIssueBody {
  readonly warehouse: string;
  readonly holder: string;
  readonly site: string;
  readonly bay: string;
  readonly lot: string;
  readonly commodity: string;
  readonly grade: string;
  readonly quantity: string;
  readonly unit: string;
  readonly grading?: { readonly inspector: string; readonly certificate: string };
  readonly expiry?: string;
}

export const receiptIssue = defineTx<ReceiptIssueBody>({
  type: 'receipt.issue',
  summary: 'Issue a warehouse receipt for goods of a deposited lot.',
  signedBy: 'warehouse (+ inspector when a grading certificate is given)',
  schema: object('A new receipt', {
    warehouse: partyRef('The issuing warehouse'),
    holder: partyRef('The depositor who receives the receipt'),
    site: text('Warehouse site (must match the lot)', 128),
    bay: text('Bay within the site (must match the lot)', 128),
    lot: lotRef('The deposited lot the goods belong to'),
    commodity: text('Commodity (must match the lot)', 128),
    grade: text('Grade of the goods, e.g. "US No. 2"', 128),
    quantity: quantity('Quantity this receipt stands for'),
    unit: unit('Unit of quantity (must match the lot)'),
  }, {
    grading: object('Grading certificate; the inspector co-signs', {
      inspector: partyRef('The inspector who graded the goods'),
      certificate: sha256Hex('Hash of the grading certificate document'),
    }),
    expiry: utcTime('For perishable goods: after this time the receipt can no longer be pledged'),
  }),
  apply(view, body, ctx) {
    const w = activeSigner(view, ctx, body.warehouse, '/warehouse', ['warehouse']);
    if (!w.ok) return w;
    const holder = activeParty(view, body.holder, '/holder'); // [SING-3]
    if (!holder.ok) return holder;
    if (body.grading) {
      const insp = activeSigner(view, ctx, body.grading.inspector, '/grading/inspector', ['inspector']);
      if (!insp.ok) return insp;
    }
    if (body.expiry !== undefined && isAfter(body.expiry, ctx.time) !== true) {
      return fail('TIME_INVALID', 'expiry must lie after the issue time', '/expiry'); // [EXP-1]
    }
    const lot = loadLot(view, body.warehouse, body.lot, '/lot');
    if (!lot.ok) return lot;
    for (const f of ['site', 'bay', 'commodity', 'unit'] as const) {
      if (lot.value[f] !== body[f]) return fail('LOT_MISMATCH', `lot ${f} is '${lot.value[f]}'`, `/${f}`); // [SING-2]
    }
    const q = parseQuantity(body.quantity, body.unit, '/quantity'); // [QTY-1]
    if (!q.ok) return q;
    const nextLot = adjustLot(lot.value, { live: q.value }, '/quantity'); // [SING-1]
    if (!nextLot.ok) return nextLot;
    const id = objectId('rc', ctx.index);
    const receipt: Receipt = {
      kind: 'receipt', id, warehouse: body.warehouse, holder: body.holder, status: 'active', pledges: [],
      lot: body.lot, quantity: formatQuantity(q.value, body.unit), unit: body.unit, site: body.site, bay: body.bay,
      commodity: body.commodity, grade: body.grade,
      certificates: body.grading ? [{ inspector: body.grading.inspector, hash: body.grading.certificate }] : [],
      ...(body.expiry === undefined ? {} : { expiry: body.expiry }),
      origin: 'issue', parents: [], frozenBy: [], issuedAt: ctx.time, issuedIndex: ctx.index, updatedIndex: ctx.index,
    };
    return done([nextLot.value, receipt], [event('receipt.issued', { receipt: [id], lot: [lot.value.id], party: [body.holder] })]);
  },
});

// lot.deposit: the warehouse attests it received a lot of goods. A lot is deposited once. [SING-2]
import { activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { lotKey } from '../ids.js';
import { done, event } from '../outcome.js';
import { formatQuantity, parseQuantity } from '../quantity.js';
import { read } from '../read.js';
import { lotRef, object, partyRef, quantity, text, unit } from '../schema-parts.js';
import type { Lot } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface LotDepositBody {
  readonly warehouse: string;
  readonly lot: string;
  readonly site: string;
  readonly bay: string;
  readonly commodity: string;
  readonly quantity: string;
  readonly unit: string;
}

export const lotDeposit = defineTx<LotDepositBody>({
  type: 'lot.deposit',
  summary: 'Record the goods a warehouse received as one lot; receipts are issued against it.',
  signedBy: 'warehouse',
  schema: object('A deposited lot', {
    warehouse: partyRef('The warehouse that received the goods'),
    lot: lotRef('The warehouse\'s own lot reference, unique at that warehouse'),
    site: text('Warehouse site', 128),
    bay: text('Bay (or stack, silo, tank) within the site', 128),
    commodity: text('Commodity, e.g. maize', 128),
    quantity: quantity('Quantity received'),
    unit: unit('Unit of quantity'),
  }),
  apply(view, body, ctx) {
    const w = activeSigner(view, ctx, body.warehouse, '/warehouse', ['warehouse']);
    if (!w.ok) return w;
    const id = lotKey(body.warehouse, body.lot);
    if (read(view, 'lot', id) !== undefined) return fail('LOT_EXISTS', `lot '${body.lot}' was deposited before`, '/lot'); // [SING-2]
    const q = parseQuantity(body.quantity, body.unit, '/quantity'); // [QTY-1]
    if (!q.ok) return q;
    const zero = formatQuantity(0n, body.unit);
    const lot: Lot = {
      kind: 'lot', id, ref: body.lot, warehouse: body.warehouse, site: body.site, bay: body.bay,
      commodity: body.commodity, unit: body.unit, deposited: formatQuantity(q.value, body.unit),
      live: zero, paper: zero, withdrawn: zero, depositedIndex: ctx.index,
    };
    return done([lot], [event('lot.deposited', { lot: [id], party: [body.warehouse] })]);
  },
});

// pledge.create: the holder pledges a receipt to a bank; the lien is recorded with its terms. [LIEN-1] [PLG-1]
import { activeSigner } from '../authority.js';
import { checkCovenants, COVENANTS_SCHEMA, type Covenants } from '../covenants.js';
import { fail } from '../errors.js';
import { objectId } from '../ids.js';
import { CURRENCIES, parseAmount } from '../money.js';
import { done, event } from '../outcome.js';
import { quantityUnits } from '../quantity.js';
import { holderSigned, loadReceipt, notFrozen, operative } from '../receipt-guards.js';
import { amount, object, objectRef, oneOf, partyRef, utcTime } from '../schema-parts.js';
import type { Pledge, Receipt } from '../state.js';
import { isAfter } from '../time.js';
import { defineTx } from '../tx-handler.js';

export interface PledgeCreateBody {
  readonly receipt: string;
  readonly bank: string;
  readonly amount: string;
  readonly currency: string;
  readonly maturity: string;
  readonly covenants: Covenants;
}

export const pledgeCreate = defineTx<PledgeCreateBody>({
  type: 'pledge.create',
  summary: 'Pledge a receipt to a bank as collateral for a loan, with covenants the monitor checks.',
  signedBy: 'holder + bank',
  schema: object('A pledge (lien)', {
    receipt: objectRef('The receipt pledged (active, not frozen, not expired)'),
    bank: partyRef('The lending bank, the lienholder'),
    amount: amount('Loan amount'),
    currency: oneOf('ISO 4217 currency code', Object.keys(CURRENCIES), 'CURRENCY_UNKNOWN'),
    maturity: utcTime('Loan maturity'),
    covenants: COVENANTS_SCHEMA,
  }),
  apply(view, body, ctx) {
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const receipt = r.value;
    const bad = operative(receipt, '/receipt') ?? holderSigned(ctx, receipt); // [CTRL-1]
    if (bad) return bad;
    if (receipt.status === 'pledged') return fail('PLEDGE_ALREADY_ACTIVE', `receipt is under ${receipt.pledge ?? '?'}`, '/receipt'); // [LIEN-1]
    const frozen = notFrozen(receipt, '/receipt'); // [FRZ-1]
    if (frozen) return frozen;
    if (body.bank === receipt.holder) return fail('PLEDGE_SELF', 'the holder cannot lend to itself', '/bank'); // [PLG-1]
    const bank = activeSigner(view, ctx, body.bank, '/bank', ['bank']); // [PLG-1]
    if (!bank.ok) return bank;
    if (receipt.expiry !== undefined && isAfter(receipt.expiry, ctx.time) !== true) {
      return fail('RECEIPT_EXPIRED', `the goods expired at ${receipt.expiry}`, '/receipt'); // [EXP-1]
    }
    if (isAfter(body.maturity, ctx.time) !== true) return fail('PLEDGE_MATURITY_PAST', 'maturity must lie ahead', '/maturity'); // [PLG-1]
    const amt = parseAmount(body.amount, body.currency, '/amount'); // [QTY-1]
    if (!amt.ok) return amt;
    const cov = checkCovenants(body.covenants, quantityUnits(receipt.quantity, receipt.unit), receipt.unit, '/covenants'); // [COV-1]
    if (!cov.ok) return cov;
    const id = objectId('pl', ctx.index);
    const pledge: Pledge = {
      kind: 'pledge', id, receipt: receipt.id, receipts: [receipt.id], bank: body.bank, holder: receipt.holder,
      status: 'active', amount: amt.value, currency: body.currency, maturity: body.maturity, covenants: cov.value,
      createdAt: ctx.time, createdIndex: ctx.index, partialReleases: [],
    };
    const next: Receipt = { ...receipt, status: 'pledged', pledge: id, pledges: [...receipt.pledges, id], updatedIndex: ctx.index };
    return done([pledge, next], [event('pledge.created', { pledge: [id], receipt: [receipt.id], party: [body.bank, receipt.holder] })]);
  },
});

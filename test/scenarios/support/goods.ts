// The cast and goods most scenarios need: a warehouse, a borrower, banks, a lot deposited and a receipt issued.
import type { LotDepositBody } from '../../../contracts/tx/lot-deposit.js';
import type { TestKey } from '../../support/ledger-harness.js';
import { nowIso, receiptId, pledgeId, type World } from './world.js';

/** A lot as deposited, without the warehouse (the scenario's warehouse deposits it). */
export type Lot = Omit<LotDepositBody, 'warehouse'>;

export const lotOf = (lot: string, quantity = '1000.000', unit = 'kg', site = 'site-1'): Lot =>
  ({ lot, site, bay: 'B1', commodity: 'maize', quantity, unit });

export async function deposit(w: World, warehouse: TestKey, l: Lot): Promise<number> {
  return w.commit('lot.deposit', { warehouse: warehouse.id, ...l }, [warehouse]);
}

export function issueBody(warehouse: TestKey, holder: TestKey, l: Lot, quantity = l.quantity) {
  return { warehouse: warehouse.id, holder: holder.id, ...l, grade: 'US No. 2', quantity };
}

/** Deposits the lot and issues one receipt for all of it; returns the receipt id. */
export async function depositAndIssue(w: World, warehouse: TestKey, holder: TestKey, l: Lot): Promise<string> {
  await deposit(w, warehouse, l);
  return receiptId(await w.commit('receipt.issue', issueBody(warehouse, holder, l), [warehouse]));
}

export function pledgeBody(receipt: string, bank: TestKey, covenants: Record<string, unknown> = {}, amount = '250000.00') {
  return { receipt, bank: bank.id, amount, currency: 'USD', maturity: nowIso(Date.now() + 180 * 86_400_000), covenants };
}

export async function pledge(w: World, receipt: string, holder: TestKey, bank: TestKey, covenants: Record<string, unknown> = {}): Promise<string> {
  return pledgeId(await w.commit('pledge.create', pledgeBody(receipt, bank, covenants), [holder, bank]));
}

export const releaseBody = (pledge: string) => ({ pledge, instruction: { reference: `rel-${pledge}`, reason: 'repaid' } });

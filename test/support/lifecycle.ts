// A realistic lifecycle on a test ledger: parties, a lot, receipts, a transfer, a pledge and its release.
import type { LedgerHarness, TestKey } from './ledger-harness.js';

export interface Cast {
  readonly warehouse: TestKey;
  readonly alice: TestKey;
  readonly bob: TestKey;
  readonly bankA: TestKey;
  readonly bankB: TestKey;
  readonly regulator: TestKey;
}

export const LOT = { warehouse: 'wh-north', lot: 'LOT-1', site: 'north-1', bay: 'B7', commodity: 'copper cathodes', quantity: '100.000', unit: 't' };

export async function registerCast(h: LedgerHarness): Promise<Cast> {
  return {
    warehouse: await h.register('wh-north', 'warehouse'),
    alice: await h.register('alice', 'holder'),
    bob: await h.register('bob', 'holder'),
    bankA: await h.register('bank-a', 'bank'),
    bankB: await h.register('bank-b', 'bank'),
    regulator: await h.register('regulator', 'regulator'),
  };
}

export function issueBody(quantity: string, holder: string): Record<string, unknown> {
  const { quantity: _q, ...lot } = LOT;
  return { ...lot, holder, grade: 'Grade A', quantity };
}

export function pledgeBody(receipt: string, bank: string): Record<string, unknown> {
  return {
    receipt, bank, amount: '250000.00', currency: 'USD', maturity: '2027-06-30T00:00:00Z',
    covenants: { quantityFloor: '30.000', temperature: { minC: -10, maxC: 40, maxOutOfRangeSeconds: 900 } },
  };
}

/** Deposit, issue two receipts, transfer one, pledge and release it; returns the receipt ids. */
export async function runLifecycle(h: LedgerHarness, c: Cast): Promise<{ r1: string; r2: string }> {
  await h.submit('lot.deposit', LOT, [c.warehouse]);
  const r1 = `rc-${String((await h.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse])).index).padStart(12, '0')}`;
  const r2 = `rc-${String((await h.submit('receipt.issue', issueBody('25.000', 'bob'), [c.warehouse])).index).padStart(12, '0')}`;
  await h.submit('receipt.transfer', { receipt: r2, to: 'alice' }, [c.bob]);
  const pledge = await h.submit('pledge.create', pledgeBody(r1, 'bank-a'), [c.alice, c.bankA]);
  const pl = `pl-${String(pledge.index).padStart(12, '0')}`;
  await h.submit('pledge.release', { pledge: pl, instruction: { reference: 'RI-1', reason: 'repaid' } }, [c.bankA]);
  return { r1, r2 };
}

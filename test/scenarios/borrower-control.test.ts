// Scenarios 7 and 8: the borrower moves pledged goods without the bank; the bank enforces on default.
import assert from 'node:assert/strict';
import type { Pledge, Receipt } from '../../contracts/index.js';
import type { TestKey } from '../support/ledger-harness.js';
import { depositAndIssue, lotOf, pledge, releaseBody } from './support/goods.js';
import { codeOf, startWorld, type World } from './support/world.js';

describe('Scenario: the borrower acts on pledged goods without the bank', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let borrower: TestKey;
  let buyer: TestKey;
  let bank: TestKey;
  let bankToken: string;

  before(async () => {
    w = await startWorld();
    [warehouse, borrower, buyer, bank] = await Promise.all([
      w.party('wh-ctl', 'warehouse'), w.party('borrower-ctl', 'holder'), w.party('buyer-ctl', 'holder'), w.party('bank-ctl', 'bank'),
    ]);
    bankToken = await w.token(bank.id);
  });
  after(async () => w.close());

  it('When the borrower tries to redeem, transfer or split pledged goods without the bank, then each is refused (RECEIPT_PLEDGED); after the bank releases, the transfer goes through', async () => {
    const receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-ctl-1'));
    const pl = await pledge(w, receipt, borrower, bank);
    assert.equal(codeOf(await w.tx('receipt.redeem', { receipt }, [borrower, warehouse])), 'RECEIPT_PLEDGED');
    assert.equal(codeOf(await w.tx('receipt.transfer', { receipt, to: buyer.id }, [borrower])), 'RECEIPT_PLEDGED');
    assert.equal(codeOf(await w.tx('receipt.split', { receipt, parts: ['400.000', '600.000'] }, [borrower])), 'RECEIPT_PLEDGED');
    // Nor can the borrower lift the lien itself.
    assert.equal(codeOf(await w.tx('pledge.release', releaseBody(pl), [borrower])), 'PLEDGE_NOT_LIENHOLDER');

    await w.commit('pledge.release', releaseBody(pl), [bank]);
    const moved = await w.tx('receipt.transfer', { receipt, to: buyer.id }, [borrower]);
    assert.equal(moved.status, 201, JSON.stringify(moved.body));
    const verify = await w.get(`/v1/verify/${receipt}`);
    assert.equal(verify.body['underLien'], false);
  });

  it('When the borrower defaults and the bank enforces the pledge, then the bank holds the receipt and the borrower\'s transfer is refused (RECEIPT_NOT_HOLDER)', async () => {
    const receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-ctl-2'));
    const pl = await pledge(w, receipt, borrower, bank);
    // Only the lienholder enforces.
    assert.equal(codeOf(await w.tx('pledge.enforce', { pledge: pl, notice: 'default' }, [buyer])), 'PLEDGE_NOT_LIENHOLDER');
    await w.commit('pledge.enforce', { pledge: pl, notice: 'Loan 7781 in default since 2026-10-01; collateral enforced' }, [bank]);

    const r = (await w.get<Receipt>(`/v1/receipts/${receipt}`, bankToken)).body;
    assert.equal(r.holder, bank.id);
    assert.equal(r.status, 'active');
    assert.equal((await w.get<Pledge>(`/v1/pledges/${pl}`, bankToken)).body.status, 'enforced');
    assert.equal(codeOf(await w.tx('receipt.transfer', { receipt, to: buyer.id }, [borrower])), 'RECEIPT_NOT_HOLDER');
    assert.equal(codeOf(await w.tx('receipt.redeem', { receipt }, [borrower, warehouse])), 'RECEIPT_NOT_HOLDER');
    // The bank now sells the goods on.
    const sold = await w.tx('receipt.transfer', { receipt, to: buyer.id }, [bank]);
    assert.equal(sold.status, 201, JSON.stringify(sold.body));
  });
});

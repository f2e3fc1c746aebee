import assert from 'node:assert/strict';
import { ContractRejection } from '../../../ledger/errors.js';
import { openHarness, buildTx, type LedgerHarness } from '../../support/ledger-harness.js';
import { issueBody, LOT, pledgeBody, registerCast } from '../../support/lifecycle.js';

describe('Concurrent double pledging (SQLite)', () => {
  let h: LedgerHarness;
  before(async () => {
    h = await openHarness('sqlite');
  });
  after(async () => {
    await h.close();
  });

  it('When 50 banks race to pledge one receipt, then exactly one pledge commits and the other 49 get PLEDGE_ALREADY_ACTIVE', async () => {
    const c = await registerCast(h);
    const banks = [];
    for (let i = 0; i < 50; i++) banks.push(await h.register(`bank-${String(i).padStart(2, '0')}`, 'bank'));
    await h.submit('lot.deposit', LOT, [c.warehouse]);
    const issued = await h.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse]);
    const receipt = `rc-${String(issued.index).padStart(12, '0')}`;
    const size = h.pipeline.size;

    const txs = banks.map((bank) => buildTx('pledge.create', pledgeBody(receipt, bank.id), [c.alice, bank]));
    const results = await Promise.allSettled(txs.map((t) => h.pipeline.submit(t)));

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 49);
    for (const r of lost) {
      assert.ok(r.reason instanceof ContractRejection, String(r.reason));
      assert.equal(r.reason.code, 'PLEDGE_ALREADY_ACTIVE');
    }
    assert.equal(h.pipeline.size, size + 1, 'nothing else was appended');
    const state = await h.store.getState([{ kind: 'receipt', id: receipt }]);
    const rec = state.get(`receipt:${receipt}`)!.object as unknown as { status: string; pledge: string };
    const winner = (won[0] as PromiseFulfilledResult<{ index: number }>).value.index;
    assert.equal(rec.status, 'pledged');
    assert.equal(rec.pledge, `pl-${String(winner).padStart(12, '0')}`);
    const pledges = await h.store.queryState({ kind: 'pledge', ref: receipt });
    assert.equal(pledges.length, 1);
  });
});

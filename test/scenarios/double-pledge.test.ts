// Scenario 1: the same lot pledged to two banks. See docs/scenarios.md.
import assert from 'node:assert/strict';
import type { TestKey } from '../support/ledger-harness.js';
import { depositAndIssue, lotOf, pledgeBody } from './support/goods.js';
import { codeOf, startWorld, type World } from './support/world.js';

describe('Scenario: the same goods pledged to two banks', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let borrower: TestKey;
  let bank1: TestKey;
  let bank2: TestKey;
  let bank2Token: string;

  before(async () => {
    w = await startWorld();
    [warehouse, borrower, bank1, bank2] = await Promise.all([
      w.party('wh-north', 'warehouse'), w.party('borrower-co', 'holder'), w.party('bank-one', 'bank'), w.party('bank-two', 'bank'),
    ]);
    bank2Token = await w.token(bank2.id);
  });
  after(async () => w.close());

  it('When the borrower pledges a receipt to bank 1 and then to bank 2, then the second pledge fails with PLEDGE_ALREADY_ACTIVE and bank 2 can see the lien but not bank 1\'s terms', async () => {
    const receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-seq'));
    // Before lending, bank 2 checks the public verifier: free of liens.
    const before = await w.get(`/v1/verify/${receipt}`);
    assert.equal(before.status, 200);
    assert.equal(before.body['underLien'], false);

    const first = await w.tx('pledge.create', pledgeBody(receipt, bank1, {}, '900000.00'), [borrower, bank1]);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await w.tx('pledge.create', pledgeBody(receipt, bank2, {}, '750000.00'), [borrower, bank2]);
    assert.equal(second.status, 409);
    assert.equal(codeOf(second), 'PLEDGE_ALREADY_ACTIVE');

    // Bank 2, before lending, sees the lien publicly — and nothing commercial.
    const seen = await w.get(`/v1/verify/${receipt}`);
    assert.equal(seen.body['underLien'], true);
    // Searched as text: its fields, and the transaction of the evidence entry it serves — not the base64 of the leaf,
    // signatures and proof hashes, where any three letters turn up by chance (a full suite once found "USD" there).
    const { evidence, ...fields } = seen.body as { evidence: { leaf: string } };
    const { tx } = JSON.parse(Buffer.from(evidence.leaf, 'base64').toString('utf8')) as { tx: { type: string } };
    for (const text of [JSON.stringify(fields), JSON.stringify(tx)]) {
      for (const secret of ['900000', 'bank-one', 'USD', 'amount', 'maturity']) assert.ok(!text.includes(secret), `public verifier leaks ${secret}: ${text}`);
    }
    // The evidence entry it serves is the receipt's creation, never the pledge.
    assert.equal(tx.type, 'receipt.issue');
    // Bank 2's own token does not open bank 1's receipt or pledge.
    assert.equal((await w.get(`/v1/receipts/${receipt}`, bank2Token)).status, 404);
    const visible = await w.get<{ items: unknown[] }>('/v1/pledges', bank2Token);
    assert.equal(visible.status, 200);
    assert.deepEqual(visible.body.items, []);
  });

  it('When the borrower submits pledges of one receipt to two banks at the same moment, then exactly one wins and the other fails with PLEDGE_ALREADY_ACTIVE', async () => {
    const receipt = await depositAndIssue(w, warehouse, borrower, lotOf('lot-race'));
    const answers = await Promise.all([
      w.tx('pledge.create', pledgeBody(receipt, bank1), [borrower, bank1]),
      w.tx('pledge.create', pledgeBody(receipt, bank2), [borrower, bank2]),
    ]);
    const won = answers.filter((a) => a.status === 201);
    const lost = answers.filter((a) => a.status !== 201);
    assert.equal(won.length, 1, JSON.stringify(answers.map((a) => a.body)));
    assert.equal(lost.length, 1);
    assert.equal(codeOf(lost[0]!), 'PLEDGE_ALREADY_ACTIVE');
    const seen = await w.get(`/v1/verify/${receipt}`);
    assert.equal(seen.body['underLien'], true);
  });
});

// Scenario 2: receipts for goods that are not there. See docs/scenarios.md.
import assert from 'node:assert/strict';
import type { TestKey } from '../support/ledger-harness.js';
import { deposit, issueBody, lotOf } from './support/goods.js';
import { codeOf, startWorld, type World } from './support/world.js';

/** The count of refused (409) transaction submissions in the Prometheus scrape. */
async function refusedTxCount(w: World): Promise<number> {
  const text = (await w.get('/metrics')).body as unknown as string;
  const line = text.split('\n').find((l) => l.startsWith('ledgerhouse_http_request_duration_seconds_count') && l.includes('route="/v1/transactions"') && l.includes('status="409"'));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('Scenario: a warehouse issues receipts for goods that are not there', function () {
  this.timeout(60_000);
  let w: World;
  let warehouse: TestKey;
  let borrower: TestKey;

  before(async () => {
    w = await startWorld();
    [warehouse, borrower] = await Promise.all([w.party('wh-phantom', 'warehouse'), w.party('borrower-ph', 'holder')]);
  });
  after(async () => w.close());

  it('When the warehouse issues a receipt for a lot it never deposited, then it is refused with LOT_NOT_FOUND, nothing enters the ledger and the refusal is counted in /metrics', async () => {
    const sizeBefore = w.system.pipeline.size;
    const refusedBefore = await refusedTxCount(w);
    const answer = await w.tx('receipt.issue', issueBody(warehouse, borrower, lotOf('lot-ghost')), [warehouse]);
    assert.equal(answer.status, 404);
    assert.equal(codeOf(answer), 'LOT_NOT_FOUND');
    assert.equal(w.system.pipeline.size, sizeBefore, 'a refused transaction is not an entry');
    // What the system keeps of the attempt: the HTTP request metrics by status only (a 404, not a 409).
    assert.equal(await refusedTxCount(w), refusedBefore);
    const text = (await w.get('/metrics')).body as unknown as string;
    assert.match(text, /ledgerhouse_http_request_duration_seconds_count\{method="POST",route="\/v1\/transactions",status="404"\} [1-9]/);
  });

  it('When the warehouse issues a second receipt beyond the deposited quantity, then it is refused with LOT_OVER_DEPOSITED, the first receipt stands and the refusal is counted in /metrics', async () => {
    const l = lotOf('lot-real', '500.000');
    await deposit(w, warehouse, l);
    const first = await w.tx('receipt.issue', issueBody(warehouse, borrower, l, '300.000'), [warehouse]);
    assert.equal(first.status, 201);
    const sizeBefore = w.system.pipeline.size;
    const refusedBefore = await refusedTxCount(w);
    const second = await w.tx('receipt.issue', issueBody(warehouse, borrower, l, '300.000'), [warehouse]);
    assert.equal(second.status, 409);
    assert.equal(codeOf(second), 'LOT_OVER_DEPOSITED');
    assert.equal(w.system.pipeline.size, sizeBefore);
    assert.equal(await refusedTxCount(w), refusedBefore + 1);
    // Up to the deposited quantity is still fine: the rule is conservation, not a blanket block.
    const rest = await w.tx('receipt.issue', issueBody(warehouse, borrower, l, '200.000'), [warehouse]);
    assert.equal(rest.status, 201);
    const third = await w.tx('receipt.issue', issueBody(warehouse, borrower, l, '0.001'), [warehouse]);
    assert.equal(codeOf(third), 'LOT_OVER_DEPOSITED');
  });

  it('When the warehouse deposits the same lot twice to make room for more receipts, then the second deposit is refused with LOT_EXISTS', async () => {
    const l = lotOf('lot-twice', '100.000');
    await deposit(w, warehouse, l);
    const again = await w.tx('lot.deposit', { warehouse: warehouse.id, ...l, quantity: '900.000' }, [warehouse]);
    assert.equal(codeOf(again), 'LOT_EXISTS');
  });
});

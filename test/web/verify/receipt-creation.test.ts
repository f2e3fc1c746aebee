import assert from 'node:assert/strict';
import type { Receipt } from '../../../contracts/state.js';
import { decodeEntry, type LedgerEntry } from '../../../ledger/entry/entry.js';
import { creationProblem, parseReceiptId } from '../../../web/src/verify/receipt-creation.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { issueBody, LOT, pledgeBody, registerCast } from '../../support/lifecycle.js';

const rc = (i: number, n?: number) => `rc-${String(i).padStart(12, '0')}${n === undefined ? '' : `-${String(n).padStart(2, '0')}`}`;

describe('web verifier: which entry created which receipt (mirror of the contracts)', () => {
  let h: LedgerHarness;
  after(async () => h?.close());

  it('When receipts are issued, split, merged and partly released by the real contracts, then the mirror agrees on every one', async () => {
    h = await openHarness('memory');
    const c = await registerCast(h);
    await h.submit('lot.deposit', LOT, [c.warehouse]);
    const a = (await h.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse])).index;
    const split = (await h.submit('receipt.split', { receipt: rc(a), parts: ['10.000', '10.000', '20.000'] }, [c.alice])).index;
    const merged = (await h.submit('receipt.merge', { receipts: [rc(split, 1), rc(split, 2)] }, [c.alice])).index;
    const pledge = (await h.submit('pledge.create', { ...pledgeBody(rc(merged), 'bank-a'), covenants: {} }, [c.alice, c.bankA])).index;
    await h.submit('pledge.partialRelease', {
      pledge: `pl-${String(pledge).padStart(12, '0')}`, quantity: '5.000', quantityFloor: '1.000', instruction: { reference: 'PR-1', reason: 'partially-repaid' },
    }, [c.bankA]);

    const size = (await h.store.latestCheckpoint())!.size;
    const entries = new Map<number, LedgerEntry>((await h.store.entries(0, size)).map((r) => [r.index, decodeEntry(r.leaf)]));
    const receipts = (await h.store.queryState({ kind: 'receipt', limit: 100 })).map((r) => r.object as Receipt);
    assert.equal(receipts.length, 7); // 1 issued + 3 split + 1 merged + 2 partial-release children
    const creators = new Set<number>();
    for (const r of receipts) {
      const id = parseReceiptId(r.id)!;
      assert.equal(id.index, r.issuedIndex);
      assert.equal(creationProblem(entries.get(id.index)!, r.id), undefined, r.id);
      creators.add(id.index);
    }
    for (const [index, entry] of entries) {
      if (!creators.has(index)) assert.match(creationProblem(entry, rc(index)) ?? '', /creates no receipt/, `${index} ${entry.tx.type}`);
    }
    assert.match(creationProblem(entries.get(split)!, rc(split, 4)) ?? '', /created 3 receipts/);
    assert.match(creationProblem(entries.get(split)!, rc(split)) ?? '', /created 3 receipts/);
    assert.match(creationProblem(entries.get(a)!, rc(a, 1)) ?? '', /created one receipt/);
  });

  it('When an id is not a receipt id, then it is refused', () => {
    assert.equal(parseReceiptId('pl-000000000001'), undefined);
    assert.equal(parseReceiptId('rc-1'), undefined);
    assert.equal(parseReceiptId('rc-000000000001-00'), undefined);
    assert.deepEqual(parseReceiptId('rc-000000000042-07'), { index: 42, n: 7 });
  });
});

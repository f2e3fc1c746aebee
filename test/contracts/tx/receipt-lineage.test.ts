import assert from 'node:assert/strict';
import type { Lot, Pledge } from '../../../contracts/state.js';
import { bootstrap, CAST, instruction, issue, issueBody, pledgeBody } from '../support/test-ledger.js';

const codeOf = (o: { ok: boolean; error?: { code: string } }): string => (o.ok ? 'ok' : o.error?.code ?? '?');

describe('contracts: split, merge, enforce, change of medium', () => {
  it('When a receipt is split, then children reference the parent and quantities add up exactly', () => {
    const l = bootstrap();
    const r = issue(l, '10');
    const out = l.must('receipt.split', { receipt: r, parts: ['3.333', '3.333', '3.334'] }, [CAST.alice]);
    const kids = out.writes.slice(1).map((w) => l.receipt(w.id));
    assert.deepEqual(kids.map((k) => k.quantity), ['3.333', '3.333', '3.334']);
    assert.ok(kids.every((k) => k.parents[0] === r && k.origin === 'split'));
    assert.deepEqual(l.receipt(r).successors, kids.map((k) => k.id));
  });
  it('When receipts of different grades or holders are merged, then MERGE_MISMATCH', () => {
    const l = bootstrap();
    const a = issue(l, '1');
    const b = l.must('receipt.issue', { ...issueBody('1'), grade: 'No. 3' }, [CAST.wh]).writes[1]?.id;
    assert.equal(codeOf(l.submit('receipt.merge', { receipts: [a, b] }, [CAST.alice])), 'MERGE_MISMATCH');
    const c = issue(l, '1', CAST.bob);
    assert.equal(codeOf(l.submit('receipt.merge', { receipts: [a, c] }, [CAST.alice, CAST.bob])), 'MERGE_MISMATCH');
  });
  it('When receipts are merged, then the child carries the sum, the union of certificates and the earliest expiry', () => {
    const l = bootstrap();
    const cert = { inspector: CAST.insp, certificate: 'ab'.repeat(32) };
    const a = l.must('receipt.issue', { ...issueBody('1.5'), grading: cert, expiry: '2026-06-01T00:00:00Z' }, [CAST.wh, CAST.insp]).writes[1]?.id;
    const b = l.must('receipt.issue', { ...issueBody('2'), expiry: '2026-05-01T00:00:00Z' }, [CAST.wh]).writes[1]?.id;
    const out = l.must('receipt.merge', { receipts: [a, b] }, [CAST.alice]);
    const child = l.receipt(out.writes[2]?.id ?? '');
    assert.deepEqual([child.quantity, child.expiry, child.certificates, child.parents], ['3.500', '2026-05-01T00:00:00Z', [{ inspector: CAST.insp, hash: 'ab'.repeat(32) }], [a, b]]);
  });
  it('When a pledge is enforced, then the bank holds the receipt and may redeem it', () => {
    const l = bootstrap();
    const r = issue(l, '10');
    const p = l.must('pledge.create', pledgeBody(r, CAST.bankB), [CAST.alice, CAST.bankB]).writes[0]?.id;
    l.must('pledge.enforce', { pledge: p, notice: 'default on loan 7' }, [CAST.bankB]);
    assert.deepEqual([l.receipt(r).holder, l.receipt(r).enforcedBy, (l.state.view.get('pledge', p ?? '') as Pledge).status], [CAST.bankB, p, 'enforced']);
    assert.equal(codeOf(l.submit('receipt.redeem', { receipt: r }, [CAST.alice, CAST.wh])), 'RECEIPT_NOT_HOLDER');
    assert.equal(codeOf(l.submit('receipt.redeem', { receipt: r }, [CAST.bankB, CAST.wh])), 'ok');
  });
  it('When a receipt goes to paper and back, then the lot keeps it committed and the paper is re-issued once', () => {
    const l = bootstrap();
    const r = issue(l, '60');
    l.must('receipt.toPaper', { receipt: r, paperSerial: 'WR-0042' }, [CAST.alice, CAST.wh]);
    const lot = (): Lot => l.state.view.get('lot', 'wh-north:LOT-1') as Lot;
    assert.deepEqual([lot().live, lot().paper], ['0.000', '60.000']);
    assert.equal(codeOf(l.submit('receipt.issue', issueBody('50'), [CAST.wh])), 'LOT_OVER_DEPOSITED');
    assert.equal(codeOf(l.submit('receipt.fromPaper', { receipt: r, paperSerial: 'WR-0043', holder: CAST.bob }, [CAST.wh])), 'PAPER_SERIAL_MISMATCH');
    const out = l.must('receipt.fromPaper', { receipt: r, paperSerial: 'WR-0042', holder: CAST.bob }, [CAST.wh]);
    const fresh = l.receipt(out.writes[2]?.id ?? '');
    assert.deepEqual([fresh.holder, fresh.quantity, fresh.parents, fresh.origin], [CAST.bob, '60.000', [r], 'from-paper']);
    assert.deepEqual([lot().live, lot().paper], ['60.000', '0.000']);
    assert.equal(codeOf(l.submit('receipt.fromPaper', { receipt: r, paperSerial: 'WR-0042', holder: CAST.bob }, [CAST.wh])), 'PAPER_ALREADY_SURRENDERED');
  });
  it('When a perishable receipt has expired, then it cannot be pledged', () => {
    const l = bootstrap();
    const r = l.must('receipt.issue', { ...issueBody('1'), expiry: '2026-01-01T00:20:00Z' }, [CAST.wh]).writes[1]?.id ?? '';
    while (l.index <= 20) issue(l, '0.001');
    assert.equal(codeOf(l.submit('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA])), 'RECEIPT_EXPIRED');
    assert.equal(codeOf(l.submit('receipt.issue', { ...issueBody('1'), expiry: '2026-01-01T00:00:00Z' }, [CAST.wh])), 'TIME_INVALID');
  });
  it('When a pledge is released, then the instruction is recorded and the receipt is free', () => {
    const l = bootstrap();
    const r = issue(l, '10');
    const p = l.must('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA]).writes[0]?.id ?? '';
    l.must('pledge.release', { pledge: p, instruction: { ...instruction, note: 'loan 7 repaid' } }, [CAST.bankA]);
    const pledge = l.state.view.get('pledge', p) as Pledge;
    assert.deepEqual(pledge.release, { reference: 'RI-1', reason: 'repaid', note: 'loan 7 repaid', index: l.index - 1 });
    assert.deepEqual([l.receipt(r).status, l.receipt(r).pledge, l.receipt(r).pledges], ['active', undefined, [p]]);
  });
});

import assert from 'node:assert/strict';
import { canRead, isUnderLien, publicStatus } from '../../contracts/index.js';
import type { Party } from '../../contracts/state.js';
import type { StateObject } from '../../contracts/types.js';
import { bootstrap, CAST, fakeKey, issue, pledgeBody, type TestLedger } from './support/test-ledger.js';

const party = (l: TestLedger, id: string): Party => l.state.view.get('party', id) as Party;
const obj = (l: TestLedger, kind: 'receipt' | 'pledge' | 'alert' | 'device' | 'lot', id: string): StateObject => {
  const o = l.state.view.get(kind, id);
  if (o === undefined) throw new Error(`${kind}:${id}`);
  return o;
};

function scene(): { l: TestLedger; r: string; p: string; a: string; other: string } {
  const l = bootstrap();
  l.must('party.register', { id: 'insp-2', role: 'inspector', name: 'i2', publicKey: fakeKey(400) }, [CAST.op]);
  const r = l.must('receipt.issue', {
    warehouse: CAST.wh, holder: CAST.alice, site: 'north-1', bay: 'B7', lot: 'LOT-1', commodity: 'maize', grade: 'A', quantity: '30', unit: 't',
    grading: { inspector: CAST.insp, certificate: '11'.repeat(32) },
  }, [CAST.wh, CAST.insp]).writes[1]?.id ?? '';
  const p = l.must('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA]).writes[0]?.id ?? '';
  const a = l.must('alert.raise', { gateway: CAST.gw, receipt: r, pledge: p, severity: 'warning', covenant: 'temperature', message: 'm', observedAt: '2026-01-01T00:00:00Z', devices: [] }, [CAST.gw]).writes[0]?.id ?? '';
  const other = issue(l, '5', CAST.bob);
  return { l, r, p, a, other };
}

describe('contracts: access', () => {
  const { l, r, p, a, other } = scene();
  const can = (who: string, kind: 'receipt' | 'pledge' | 'alert' | 'device' | 'lot', id: string): boolean => canRead(party(l, who), obj(l, kind, id), l.state.view);

  it('When the lienholder bank reads, then it sees the receipt, pledge and alert, but not other receipts', () => {
    assert.deepEqual([can(CAST.bankA, 'receipt', r), can(CAST.bankA, 'pledge', p), can(CAST.bankA, 'alert', a), can(CAST.bankA, 'receipt', other)], [true, true, true, false]);
  });
  it('When another bank reads, then it sees nothing of the collateral but may learn it is under a lien', () => {
    assert.deepEqual([can(CAST.bankB, 'receipt', r), can(CAST.bankB, 'pledge', p), can(CAST.bankB, 'alert', a)], [false, false, false]);
    assert.equal(isUnderLien(l.receipt(r)), true);
    assert.equal(isUnderLien(l.receipt(other)), false);
  });
  it('When the holder reads, then it sees its receipt and its pledge and alerts, not others\' receipts', () => {
    assert.deepEqual([can(CAST.alice, 'receipt', r), can(CAST.alice, 'pledge', p), can(CAST.alice, 'alert', a), can(CAST.alice, 'receipt', other)], [true, true, true, false]);
  });
  it('When a warehouse reads, then it sees what it issued, its devices and alerts, but not pledge terms; another warehouse sees none', () => {
    assert.deepEqual([can(CAST.wh, 'receipt', r), can(CAST.wh, 'device', 'cell-1'), can(CAST.wh, 'alert', a), can(CAST.wh, 'pledge', p), can(CAST.wh, 'lot', 'wh-north:LOT-1')], [true, true, true, false, true]);
    assert.deepEqual([can(CAST.wh2, 'receipt', r), can(CAST.wh2, 'device', 'cell-1'), can(CAST.wh2, 'alert', a)], [false, false, false]);
  });
  it('When an inspector reads, then it sees only receipts it certified', () => {
    assert.deepEqual([can(CAST.insp, 'receipt', r), can('insp-2', 'receipt', r), can(CAST.insp, 'pledge', p)], [true, false, false]);
  });
  it('When the regulator or operator reads, then it sees everything; an insurer sees no receipts', () => {
    for (const who of [CAST.reg, CAST.op]) assert.ok(can(who, 'receipt', r) && can(who, 'pledge', p) && can(who, 'alert', a) && can(who, 'device', 'cell-1'));
    assert.equal(can(CAST.ins, 'receipt', r), false);
  });
  it('When a receipt is transferred, then the new holder sees it and its lien, and the old holder keeps sight of its own pledge', () => {
    const l2 = scene();
    l2.l.must('receipt.transfer', { receipt: l2.r, to: CAST.bob }, [CAST.alice, CAST.bankA]);
    const see = (who: string, kind: 'receipt' | 'pledge', id: string): boolean => canRead(party(l2.l, who), obj(l2.l, kind, id), l2.l.state.view);
    assert.deepEqual([see(CAST.bob, 'receipt', l2.r), see(CAST.bob, 'pledge', l2.p), see(CAST.alice, 'pledge', l2.p)], [true, true, true]);
  });
  it('When a party is revoked, then it reads nothing', () => {
    const l2 = scene();
    l2.l.must('party.revoke', { party: CAST.bankA, reason: 'x' }, [CAST.op]);
    assert.equal(canRead(party(l2.l, CAST.bankA), obj(l2.l, 'receipt', l2.r), l2.l.state.view), false);
  });
  it('When the public verifier asks, then it gets only the status', () => {
    const l2 = scene();
    assert.equal(publicStatus(l2.l.receipt(l2.r)), 'pledged');
    assert.equal(publicStatus(l2.l.receipt(l2.other)), 'active');
    l2.l.must('receipt.toPaper', { receipt: l2.other, paperSerial: 'S1' }, [CAST.bob, CAST.wh]);
    assert.equal(publicStatus(l2.l.receipt(l2.other)), 'paper');
    l2.l.must('receipt.fromPaper', { receipt: l2.other, paperSerial: 'S1', holder: CAST.bob }, [CAST.wh]);
    assert.equal(publicStatus(l2.l.receipt(l2.other)), 'inoperative');
  });
});

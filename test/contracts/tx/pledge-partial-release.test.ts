import assert from 'node:assert/strict';
import type { Pledge, Receipt } from '../../../contracts/state.js';
import { bootstrap, CAST, instruction, issue, pledgeBody } from '../support/test-ledger.js';

function pledged(): { l: ReturnType<typeof bootstrap>; r: string; p: string } {
  const l = bootstrap();
  const r = issue(l, '40');
  const p = l.must('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA]).writes[0]?.id ?? '';
  return { l, r, p };
}

describe('contracts: pledge.partialRelease', () => {
  it('When 15 t of 40 t are released, then a free 15 t child and a pledged 25 t child replace the receipt', () => {
    const { l, r, p } = pledged();
    const at = l.index;
    l.must('pledge.partialRelease', { pledge: p, quantity: '15', instruction }, [CAST.bankA]);
    const [freed, kept] = [`rc-${String(at).padStart(12, '0')}-01`, `rc-${String(at).padStart(12, '0')}-02`].map((id) => l.receipt(id));
    assert.deepEqual([freed?.status, freed?.quantity, freed?.pledge], ['active', '15.000', undefined]);
    assert.deepEqual([kept?.status, kept?.quantity, kept?.pledge], ['pledged', '25.000', p]);
    const parent = l.receipt(r);
    assert.deepEqual([parent.status, parent.inoperativeReason, parent.successors], ['inoperative', 'partial-release', [freed?.id, kept?.id]]);
    const pledge = l.state.view.get('pledge', p) as Pledge;
    assert.equal(pledge.receipt, kept?.id);
    assert.deepEqual(pledge.receipts, [r, kept?.id]);
    assert.equal(pledge.partialReleases[0]?.instruction.reference, 'RI-1');
  });
  it('When the whole quantity is "partially" released, then QUANTITY_INVALID', () => {
    const { l, p } = pledged();
    const out = l.submit('pledge.partialRelease', { pledge: p, quantity: '40', instruction }, [CAST.bankA]);
    assert.equal(out.ok ? 'ok' : out.error.code, 'QUANTITY_INVALID');
  });
  it('When what stays pledged would fall below the quantity floor, then COVENANT_INVALID unless the floor is lowered', () => {
    const { l, p } = pledged();
    const tooMuch = { pledge: p, quantity: '35', instruction };
    const out = l.submit('pledge.partialRelease', tooMuch, [CAST.bankA]);
    assert.deepEqual(out.ok ? 'ok' : [out.error.code, out.error.field], ['COVENANT_INVALID', '/quantityFloor']);
    l.must('pledge.partialRelease', { ...tooMuch, quantityFloor: '4' }, [CAST.bankA]);
    assert.equal((l.state.view.get('pledge', p) as Pledge).covenants.quantityFloor, '4.000');
  });
  it('When the freed child is sold on, then the pledged child still needs the lienholder', () => {
    const { l, p } = pledged();
    const at = l.index;
    l.must('pledge.partialRelease', { pledge: p, quantity: '15', instruction }, [CAST.bankA]);
    const freed = `rc-${String(at).padStart(12, '0')}-01`;
    const kept = `rc-${String(at).padStart(12, '0')}-02`;
    assert.ok(l.submit('receipt.transfer', { receipt: freed, to: CAST.bob }, [CAST.alice]).ok);
    const out = l.submit('receipt.transfer', { receipt: kept, to: CAST.bob }, [CAST.alice]);
    assert.equal(out.ok ? 'ok' : out.error.code, 'RECEIPT_PLEDGED');
    assert.equal((l.state.view.get('receipt', kept) as Receipt).holder, CAST.alice);
  });
});

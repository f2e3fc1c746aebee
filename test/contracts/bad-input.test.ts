// Rejections with stable codes: unknown types, malformed bodies, wrong or missing signers, bad quantities,
// revoked parties, genesis twice.
import assert from 'node:assert/strict';
import { apply } from '../../contracts/index.js';
import type { Outcome } from '../../contracts/types.js';
import { MemoryState } from './support/memory-view.js';
import { bootstrap, CAST, fakeKey, issue, issueBody, pledgeBody, TestLedger } from './support/test-ledger.js';

const code = (o: Outcome): string => (o.ok ? 'ok' : o.error.code);
const field = (o: Outcome): string | undefined => (o.ok ? undefined : o.error.field);
const genesisBody = { origin: 'o', operator: { id: CAST.op, name: 'Op', publicKey: fakeKey(0) } };

describe('contracts: genesis', () => {
  it('When the first entry is not genesis, then GENESIS_REQUIRED', () => {
    assert.equal(code(new TestLedger().submit('party.register', { id: 'x1', role: 'bank', name: 'x', publicKey: fakeKey(1) }, [CAST.op])), 'GENESIS_REQUIRED');
  });
  it('When genesis comes twice, then GENESIS_DONE', () => {
    const l = new TestLedger();
    l.must('ledger.genesis', genesisBody, [CAST.op]);
    assert.equal(code(l.submit('ledger.genesis', genesisBody, [CAST.op])), 'GENESIS_DONE');
  });
  it('When genesis is not at index 0, then GENESIS_NOT_FIRST', () => {
    const s = new MemoryState();
    const out = apply(s.view, { tx: { v: 1, type: 'ledger.genesis', nonce: 'n', ts: 't', body: genesisBody }, sigs: [] },
      { index: 3, time: '2026-01-01T00:00:00.000Z', txHash: '0'.repeat(64), signers: new Set([CAST.op]) });
    assert.equal(code(out), 'GENESIS_NOT_FIRST');
  });
  it('When genesis is not signed by the operator it names, then SIGNER_MISSING', () => {
    assert.equal(code(new TestLedger().submit('ledger.genesis', genesisBody, ['someone'])), 'SIGNER_MISSING');
  });
  it('When genesis is accepted, then it writes the operator party and meta:genesis', () => {
    const out = new TestLedger().must('ledger.genesis', genesisBody, [CAST.op]);
    assert.deepEqual(out.writes.map((w) => `${w.kind}:${w.id}`), ['party:operator', 'meta:genesis']);
  });
});

describe('contracts: malformed transactions', () => {
  const l = bootstrap();
  it('When the type is unknown, then TX_UNKNOWN_TYPE', () => {
    assert.equal(code(l.submit('receipt.steal', {}, [CAST.alice])), 'TX_UNKNOWN_TYPE');
  });
  it('When a field is missing, then TX_SCHEMA names it', () => {
    const { grade: _g, ...body } = issueBody('1');
    const out = l.submit('receipt.issue', body, [CAST.wh]);
    assert.equal(code(out), 'TX_SCHEMA');
    assert.equal(field(out), '/grade');
  });
  it('When an extra field is present, then TX_SCHEMA names it', () => {
    const out = l.submit('receipt.issue', { ...issueBody('1'), price: '3' }, [CAST.wh]);
    assert.deepEqual([code(out), field(out)], ['TX_SCHEMA', '/price']);
  });
  it('When a nested extra field is present, then TX_SCHEMA names its pointer', () => {
    const r = issue(l, '1');
    const body = pledgeBody(r);
    const out = l.submit('pledge.create', { ...body, covenants: { temperature: { minC: 1, maxC: 2, maxOutOfRangeSeconds: 1, x: 1 } } }, [CAST.alice, CAST.bankA]);
    assert.deepEqual([code(out), field(out)], ['TX_SCHEMA', '/covenants/temperature/x']);
  });
  it('When a field has the wrong JSON type, then TX_SCHEMA', () => {
    const out = l.submit('receipt.issue', { ...issueBody('1'), quantity: 5 }, [CAST.wh]);
    assert.deepEqual([code(out), field(out)], ['TX_SCHEMA', '/quantity']);
  });
  it('When the body is not an object, then TX_SCHEMA', () => {
    assert.equal(code(l.submit('receipt.issue', [1], [CAST.wh])), 'TX_SCHEMA');
  });
  it('When a chosen id is not printable lowercase, then ID_INVALID', () => {
    assert.equal(code(l.submit('party.register', { id: 'Bad Id', role: 'bank', name: 'x', publicKey: fakeKey(50) }, [CAST.op])), 'ID_INVALID');
    assert.equal(code(l.submit('device.register', { id: 'x', warehouse: CAST.wh, site: 's', kinds: ['gps'], publicKey: fakeKey(51) }, [CAST.wh])), 'ID_INVALID');
  });
  it('When a key is not canonical base64 of 32 bytes, then KEY_INVALID', () => {
    for (const publicKey of ['abc', fakeKey(52).replace('=', ''), `${fakeKey(52).slice(0, 42)}B=`, Buffer.alloc(33).toString('base64')]) {
      assert.equal(code(l.submit('party.register', { id: 'kk', role: 'bank', name: 'x', publicKey }, [CAST.op])), 'KEY_INVALID', publicKey);
    }
  });
  it('When the key service rejects a key, then KEY_INVALID with its reason', () => {
    const ctx = { index: l.index, time: '2026-02-01T00:00:00.000Z', txHash: '0'.repeat(64), signers: new Set([CAST.op]) };
    const tx = { v: 1 as const, type: 'party.register', nonce: 'n', ts: 't', body: { id: 'kk', role: 'bank', name: 'x', publicKey: fakeKey(53) } };
    const out = apply(l.state.view, { tx, sigs: [] }, ctx, { checkPublicKey: () => 'small order' });
    assert.deepEqual(out.ok ? undefined : [out.error.code, out.error.message], ['KEY_INVALID', 'small order']);
  });
});

describe('contracts: quantities and amounts', () => {
  const l = bootstrap();
  const cases: [string, string][] = [
    ['-1', 'QUANTITY_INVALID'], ['0', 'QUANTITY_INVALID'], ['0.000', 'QUANTITY_INVALID'], ['1.0001', 'QUANTITY_INVALID'],
    ['1e3', 'QUANTITY_INVALID'], ['01', 'QUANTITY_INVALID'], [' 1', 'QUANTITY_INVALID'], ['1.', 'QUANTITY_INVALID'],
    ['1000000000000.001', 'QUANTITY_OVERFLOW'], ['9'.repeat(80), 'QUANTITY_OVERFLOW'], ['100.001', 'LOT_OVER_DEPOSITED'],
    ['0.001', 'ok'],
  ];
  for (const [q, expected] of cases) {
    it(`When a receipt is issued for ${q.length > 20 ? 'a huge number of' : `"${q}"`} t, then ${expected}`, () => {
      assert.equal(code(l.submit('receipt.issue', issueBody(q), [CAST.wh])), expected);
    });
  }
  it('When an integer unit gets decimals, then QUANTITY_INVALID', () => {
    l.must('lot.deposit', { warehouse: CAST.wh, lot: 'BAGS', site: 's', bay: 'b', commodity: 'rice', quantity: '100', unit: 'bag' }, [CAST.wh]);
    const body = { warehouse: CAST.wh, holder: CAST.alice, site: 's', bay: 'b', lot: 'BAGS', commodity: 'rice', grade: 'A', unit: 'bag' };
    assert.equal(code(l.submit('receipt.issue', { ...body, quantity: '1.5' }, [CAST.wh])), 'QUANTITY_INVALID');
    assert.equal(code(l.submit('receipt.issue', { ...body, quantity: '2' }, [CAST.wh])), 'ok');
  });
  it('When a unit is unknown, then UNIT_UNKNOWN', () => {
    assert.equal(code(l.submit('receipt.issue', { ...issueBody('1'), unit: 'furlong' }, [CAST.wh])), 'UNIT_UNKNOWN');
  });
  it('When an amount is bad or the currency unknown, then AMOUNT_INVALID / AMOUNT_OVERFLOW / CURRENCY_UNKNOWN', () => {
    const r = issue(l, '20');
    const sign = [CAST.alice, CAST.bankA];
    assert.equal(code(l.submit('pledge.create', { ...pledgeBody(r), amount: '1.001' }, sign)), 'AMOUNT_INVALID');
    assert.equal(code(l.submit('pledge.create', { ...pledgeBody(r), amount: '-5' }, sign)), 'AMOUNT_INVALID');
    assert.equal(code(l.submit('pledge.create', { ...pledgeBody(r), amount: '10000000000000.01' }, sign)), 'AMOUNT_OVERFLOW');
    assert.equal(code(l.submit('pledge.create', { ...pledgeBody(r), currency: 'XYZ' }, sign)), 'CURRENCY_UNKNOWN');
    assert.equal(code(l.submit('pledge.create', { ...pledgeBody(r), currency: 'JPY', amount: '5000000' }, sign)), 'ok');
  });
});

describe('contracts: signers and authority', () => {
  it('When the holder does not sign a transfer, then RECEIPT_NOT_HOLDER', () => {
    const l = bootstrap();
    const r = issue(l, '5');
    assert.equal(code(l.submit('receipt.transfer', { receipt: r, to: CAST.bob }, [CAST.bob])), 'RECEIPT_NOT_HOLDER');
  });
  it('When a pledged receipt is transferred without its lienholder, then RECEIPT_PLEDGED', () => {
    const l = bootstrap();
    const r = issue(l, '20');
    l.must('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA]);
    assert.equal(code(l.submit('receipt.transfer', { receipt: r, to: CAST.bob }, [CAST.alice, CAST.bankB])), 'RECEIPT_PLEDGED');
  });
  it('When another bank releases or enforces, then PLEDGE_NOT_LIENHOLDER', () => {
    const l = bootstrap();
    const r = issue(l, '20');
    const p = l.must('pledge.create', pledgeBody(r), [CAST.alice, CAST.bankA]).writes[0]?.id;
    assert.equal(code(l.submit('pledge.release', { pledge: p, instruction: { reference: 'x', reason: 'repaid' } }, [CAST.bankB, CAST.alice])), 'PLEDGE_NOT_LIENHOLDER');
    assert.equal(code(l.submit('pledge.enforce', { pledge: p, notice: 'n' }, [CAST.bankB])), 'PLEDGE_NOT_LIENHOLDER');
  });
  it('When a non-bank is named as lender, then ROLE_REQUIRED', () => {
    const l = bootstrap();
    const r = issue(l, '20');
    assert.equal(code(l.submit('pledge.create', pledgeBody(r, CAST.bob), [CAST.alice, CAST.bob])), 'ROLE_REQUIRED');
  });
  it('When a non-warehouse issues a receipt, then ROLE_REQUIRED; when the warehouse does not sign, SIGNER_MISSING', () => {
    const l = bootstrap();
    assert.equal(code(l.submit('receipt.issue', { ...issueBody('1'), warehouse: CAST.bankA }, [CAST.bankA])), 'ROLE_REQUIRED');
    assert.equal(code(l.submit('receipt.issue', issueBody('1'), [CAST.alice])), 'SIGNER_MISSING');
  });
  it('When a grading certificate is given without the inspector\'s signature, then SIGNER_MISSING', () => {
    const l = bootstrap();
    const body = { ...issueBody('1'), grading: { inspector: CAST.insp, certificate: 'cd'.repeat(32) } };
    assert.equal(code(l.submit('receipt.issue', body, [CAST.wh])), 'SIGNER_MISSING');
    assert.equal(code(l.submit('receipt.issue', body, [CAST.wh, CAST.insp])), 'ok');
  });
  it('When a non-operator registers or revokes a party, then SIGNER_MISSING', () => {
    const l = bootstrap();
    assert.equal(code(l.submit('party.register', { id: 'carol', role: 'holder', name: 'c', publicKey: fakeKey(70) }, [CAST.alice])), 'SIGNER_MISSING');
    assert.equal(code(l.submit('party.revoke', { party: CAST.bob, reason: 'x' }, [CAST.alice])), 'SIGNER_MISSING');
  });
  it('When a revoked party is named or its key is gone from ctx.signers, then PARTY_REVOKED / SIGNER_MISSING', () => {
    const l = bootstrap();
    const r = issue(l, '5', CAST.bob);
    l.must('party.revoke', { party: CAST.bob, reason: 'fraud' }, [CAST.op]);
    assert.equal(code(l.submit('receipt.transfer', { receipt: issue(l, '5'), to: CAST.bob }, [CAST.alice])), 'PARTY_REVOKED');
    assert.equal(code(l.submit('receipt.transfer', { receipt: r, to: CAST.alice }, [])), 'RECEIPT_NOT_HOLDER');
    assert.equal(code(l.submit('party.rotateKey', { party: CAST.bob, publicKey: fakeKey(71) }, [])), 'PARTY_REVOKED');
  });
  it('When the operator is revoked, then PARTY_REVOKE_FORBIDDEN', () => {
    assert.equal(code(bootstrap().submit('party.revoke', { party: CAST.op, reason: 'x' }, [CAST.op])), 'PARTY_REVOKE_FORBIDDEN');
  });
  it('When another warehouse revokes a device, then DEVICE_NOT_OWNER', () => {
    assert.equal(code(bootstrap().submit('device.revoke', { device: 'cell-1', reason: 'x' }, [CAST.wh2])), 'DEVICE_NOT_OWNER');
  });
  it('When a non-gateway raises an alert or anchors telemetry, then ROLE_REQUIRED', () => {
    const l = bootstrap();
    const r = issue(l, '5');
    const alert = { gateway: CAST.wh, receipt: r, severity: 'critical', covenant: 'other', message: 'm', observedAt: '2026-01-01T00:00:00Z', devices: [] };
    assert.equal(code(l.submit('alert.raise', alert, [CAST.wh])), 'ROLE_REQUIRED');
    const anchor = { gateway: CAST.wh, batchRoot: '00'.repeat(32), readings: 1, firstReadingAt: '2026-01-01T00:00:00Z', lastReadingAt: '2026-01-01T00:00:00Z', devices: ['cell-1'] };
    assert.equal(code(l.submit('telemetry.anchor', anchor, [CAST.wh])), 'ROLE_REQUIRED');
  });
  it('When a third party resolves an alert, then ALERT_NOT_RESOLVER', () => {
    const l = bootstrap();
    const r = issue(l, '5');
    const a = l.must('alert.raise', { gateway: CAST.gw, receipt: r, severity: 'critical', covenant: 'other', message: 'm', observedAt: '2026-01-01T00:00:00Z', devices: [] }, [CAST.gw]);
    assert.equal(code(l.submit('alert.resolve', { alert: a.writes[0]?.id, resolution: 'x' }, [CAST.bankA, CAST.alice])), 'ALERT_NOT_RESOLVER');
  });
});

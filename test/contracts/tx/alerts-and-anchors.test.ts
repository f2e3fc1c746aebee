import assert from 'node:assert/strict';
import type { AnchorMeta } from '../../../contracts/state.js';
import { bootstrap, CAST, issue } from '../support/test-ledger.js';

const alertBody = (receipt: string, severity: string): Record<string, unknown> => ({
  gateway: CAST.gw, receipt, severity, covenant: 'temperature', message: 'too warm', observedAt: '2026-01-01T00:00:00Z', devices: ['cell-1'],
});

describe('contracts: alerts and telemetry anchors', () => {
  it('When two critical alerts are open, then the receipt stays frozen until both are resolved', () => {
    const l = bootstrap();
    const r = issue(l, '10');
    const a1 = l.must('alert.raise', alertBody(r, 'critical'), [CAST.gw]).writes[0]?.id;
    const a2 = l.must('alert.raise', alertBody(r, 'critical'), [CAST.gw]).writes[0]?.id;
    l.must('alert.raise', alertBody(r, 'warning'), [CAST.gw]);
    assert.deepEqual(l.receipt(r).frozenBy, [a1, a2]);
    l.must('alert.resolve', { alert: a1, resolution: 'cooled' }, [CAST.wh]);
    const blocked = l.submit('receipt.redeem', { receipt: r }, [CAST.alice, CAST.wh]);
    assert.equal(blocked.ok ? 'ok' : blocked.error.code, 'RECEIPT_FROZEN');
    l.must('alert.resolve', { alert: a2, resolution: 'cooled' }, [CAST.wh]);
    assert.ok(l.submit('receipt.redeem', { receipt: r }, [CAST.alice, CAST.wh]).ok);
  });
  it('When an alert names a pledge on another receipt, then ALERT_PLEDGE_MISMATCH', () => {
    const l = bootstrap();
    const r = issue(l, '10');
    const other = issue(l, '10');
    const p = l.must('pledge.create', { receipt: other, bank: CAST.bankA, amount: '1', currency: 'USD', maturity: '2027-01-01T00:00:00Z', covenants: {} }, [CAST.alice, CAST.bankA]).writes[0]?.id;
    const out = l.submit('alert.raise', { ...alertBody(r, 'critical'), pledge: p }, [CAST.gw]);
    assert.equal(out.ok ? 'ok' : out.error.code, 'ALERT_PLEDGE_MISMATCH');
  });
  it('When batches are anchored, then meta anchor and anchor:<gateway> hold the latest batch and running totals', () => {
    const l = bootstrap();
    const body = { gateway: CAST.gw, batchRoot: 'aa'.repeat(32), readings: 100, firstReadingAt: '2026-01-01T00:00:00Z', lastReadingAt: '2026-01-01T00:00:05.250Z', devices: ['cell-1'] };
    l.must('telemetry.anchor', body, [CAST.gw]);
    l.must('telemetry.anchor', { ...body, readings: 50, batchRoot: 'bb'.repeat(32) }, [CAST.gw]);
    const m = l.state.view.get('meta', 'anchor') as AnchorMeta;
    assert.deepEqual([m.batchRoot, m.totalReadings, m.batches, m.index, m.lastReadingAt], ['bb'.repeat(32), 150, 2, l.index - 1, '2026-01-01T00:00:05.250Z']);
    assert.deepEqual(l.state.view.get('meta', `anchor:${CAST.gw}`), { ...m, id: `anchor:${CAST.gw}` });
  });
  it('When an anchor has last before first, or an unknown device, then TIME_INVALID / DEVICE_NOT_FOUND', () => {
    const l = bootstrap();
    const body = { gateway: CAST.gw, batchRoot: 'aa'.repeat(32), readings: 1, firstReadingAt: '2026-01-02T00:00:00Z', lastReadingAt: '2026-01-01T00:00:00Z', devices: ['cell-1'] };
    const late = l.submit('telemetry.anchor', body, [CAST.gw]);
    assert.equal(late.ok ? 'ok' : late.error.code, 'TIME_INVALID');
    const ghost = l.submit('telemetry.anchor', { ...body, firstReadingAt: '2026-01-01T00:00:00Z', devices: ['ghost'] }, [CAST.gw]);
    assert.equal(ghost.ok ? 'ok' : ghost.error.code, 'DEVICE_NOT_FOUND');
    const feb30 = l.submit('telemetry.anchor', { ...body, firstReadingAt: '2026-02-30T00:00:00Z' }, [CAST.gw]);
    assert.equal(feb30.ok ? 'ok' : feb30.error.code, 'TIME_INVALID');
  });
});

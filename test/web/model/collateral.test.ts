import assert from 'node:assert/strict';
import { deriveCollateral, overallState, parseCollateral, withSilence } from '../../../web/src/model/collateral.js';
import { resolveCommand, shellQuote } from '../../../web/src/model/resolve-command.js';
import { pointOf, pointsFromPage, toColumns } from '../../../web/src/model/telemetry.js';

const COVENANTS = { quantityFloor: '900.000', temperature: { minC: 2, maxC: 8, maxOutOfRangeSeconds: 60 } };

describe('web model: collateral, telemetry and the resolve command', () => {
  it('When only covenants and alerts are known, then a covenant with an open alert is breached and the rest ok', () => {
    const c = deriveCollateral(COVENANTS, [{ id: 'al-1', covenant: 'temperature', status: 'open', message: '12 °C for 5 min' }]);
    assert.deepEqual(c.covenants.map((x) => [x.name, x.state]), [['quantityFloor', 'ok'], ['temperature', 'breached']]);
    assert.match(c.covenants[1]!.detail, /2…8 °C .* 12 °C for 5 min/);
    assert.equal(overallState(c), 'breached');
    assert.equal(overallState(deriveCollateral(COVENANTS, [])), 'ok');
    assert.equal(overallState(deriveCollateral({}, [])), 'unknown');
  });

  it('When the collateral endpoint answers in either list or map form, then covenants, devices, anchor and coverage are read', () => {
    const list = parseCollateral({
      covenants: [{ covenant: 'quantityFloor', status: 'ok', observed: '950.000 kg' }, { covenant: 'temperature', status: 'breached' }],
      devices: [{ id: 'scale-1', kinds: ['load-cell'], status: 'online', lastReading: { ts: '2026-11-24T10:00:00Z', kind: 'load-cell', values: { kg: 950 } } }],
      lastAnchor: { anchoredAt: '2026-11-24T10:00:01Z' },
      coverage: { measured: '950.000', pledged: '1000.000', unit: 'kg', ratio: 0.95 },
    }, COVENANTS);
    assert.deepEqual(list.covenants.map((x) => x.state), ['ok', 'breached']);
    assert.match(list.covenants[0]!.detail, /at least 900\.000 · 950\.000 kg/);
    assert.deepEqual(list.devices, [{ id: 'scale-1', state: 'online', kinds: ['load-cell'], lastReadingAt: '2026-11-24T10:00:00Z', lastValue: 'kg 950' }]);
    assert.equal(list.lastAnchorAt, '2026-11-24T10:00:01Z');
    assert.equal(list.coverage, '950.000 kg measured of 1000.000 kg pledged (95 %)');
    const map = parseCollateral({ covenants: { quantityFloor: { ok: false } }, latestReadings: { 't-1': { ts: 'x', values: { c: 4 } } } }, COVENANTS);
    assert.deepEqual(map.covenants.map((x) => x.state), ['breached']);
    assert.equal(map.devices[0]!.id, 't-1');
  });

  it('When a device has not reported within the silence gap, then it shows as silent', () => {
    const d = { id: 'x', state: 'unknown' as const, kinds: [], lastReadingAt: '2026-11-24T10:00:00Z' };
    const t = Date.parse('2026-11-24T10:00:00Z');
    assert.equal(withSilence(d, t + 60_000, 300_000).state, 'online');
    assert.equal(withSilence(d, t + 600_000, 300_000).state, 'silent');
    assert.equal(withSilence({ ...d, state: 'revoked' }, t, 1).state, 'revoked');
  });

  it('When readings come as stored records or plain readings, then the charts get one point per metric reading', () => {
    const page = { readings: [
      { id: 2, record: { device: 's', kind: 'load-cell', ts: '2026-11-24T10:00:02Z', values: { kg: 10 } } },
      { device: 's', kind: 'temperature', ts: '2026-11-24T10:00:01Z', values: { c: 5 } },
      { device: 's', kind: 'door', ts: '2026-11-24T10:00:01Z', values: { state: 'open' } },
    ], next: 3 };
    const points = pointsFromPage(page, 's');
    assert.deepEqual(points.map((p) => [p.metric, p.value]), [['temperature', 5], ['weight', 10]]);
    assert.equal(pointOf({ kind: 'humidity', ts: 'bad', values: { pct: 1 } }, 's'), undefined);
    const cols = toColumns([...points, { device: 't', t: points[1]!.t, metric: 'weight', value: 7 }], 'weight');
    assert.deepEqual(cols.devices, ['s', 't']);
    assert.deepEqual(cols.data, [[points[1]!.t / 1000], [10], [7]]);
  });

  it('When an alert is to be resolved, then the command quotes the text for the shell and names the signer key', () => {
    assert.equal(shellQuote("it's done"), `'it'\\''s done'`);
    assert.equal(shellQuote('al-000000000001'), 'al-000000000001');
    const cmd = resolveCommand({ alert: 'al-000000000009', party: 'bank-a', resolution: 'stock re-counted; $HOME `x`', url: 'http://127.0.0.1:8080' });
    assert.equal(cmd, [
      'npx ledgerhouse tx alert.resolve',
      '  --set alert=al-000000000009',
      "  --set resolution='stock re-counted; $HOME `x`'",
      '  --key bank-a.key.json',
      '  --url http://127.0.0.1:8080',
    ].join(' \\\n'));
  });
});

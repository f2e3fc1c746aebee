import assert from 'node:assert/strict';
import { parseTelemetry, unsignedText } from '../../../iot-gateway/formats/parse-telemetry.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { scanCanonicalJson } from '../../../ledger/encoding/canonical-text.js';
import { withoutSig } from '../../../iot-gateway/formats/telemetry-signing.js';
import { LIMITS } from '../../../iot-gateway/formats/telemetry-message.js';
import { telemetrySigningBytes } from '../../../iot-gateway/formats/telemetry-signing.js';
import { batchOf, bytes, iso, signed, T0, weight } from '../support/readings.js';

const camera = {
  device: 'cam-1', seq: 3, ts: iso(T0), kind: 'camera',
  segment: { sha256: 'ab'.repeat(32), durationMs: 10_000, start: iso(T0 - 10_000), uri: 's3://wh-a/cam-1/3.mp4' },
} as const;

describe('iot-gateway formats: parseTelemetry', () => {
  it('When each kind of reading is well-formed and signed, then it parses to the same message', () => {
    const readings = [
      weight('scale-1', 1, 1234.5),
      { device: 'rfid-1', seq: 1, ts: iso(T0), kind: 'rfid', values: { count: 40 } },
      { device: 't-1', seq: 1, ts: iso(T0), kind: 'temperature', values: { c: -18.5 } },
      { device: 'h-1', seq: 1, ts: iso(T0), kind: 'humidity', values: { pct: 55 } },
      { device: 'door-1', seq: 1, ts: iso(T0), kind: 'door', values: { state: 'open' } },
      { device: 'gps-1', seq: 1, ts: iso(T0), kind: 'gps', values: { lat: -1.29, lon: 36.82 } },
      camera,
      { device: 'cam-1', seq: 4, ts: iso(T0), kind: 'status', status: { state: 'online', uptimeS: 5, batteryPct: 90, firmware: '1.2.3', rssiDbm: -60 } },
    ] as const;
    for (const r of readings) {
      const msg = signed(r);
      assert.deepEqual(parseTelemetry(bytes(msg)), { ok: true, message: msg }, r.kind);
    }
  });

  it('When a batch of readings is sent under one signature, then it parses', () => {
    const b = batchOf('scale-1', [{ seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }, { seq: 2, ts: iso(T0), kind: 'status', status: { state: 'online' } }]);
    assert.deepEqual(parseTelemetry(bytes(b)), { ok: true, message: b });
  });

  it('When the payload is not JSON, repeats a key, nests too deep or is not UTF-8, then TELEMETRY_MALFORMED', () => {
    const deep = `${'['.repeat(LIMITS.maxJsonDepth + 1)}${']'.repeat(LIMITS.maxJsonDepth + 1)}`; // canonical but for its depth
    for (const p of [bytes('{"device":'), bytes('{"seq":1,"seq":2}'), bytes(deep), new Uint8Array([0x7b, 0xff, 0x7d])]) {
      const r = parseTelemetry(p);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.code, 'TELEMETRY_MALFORMED');
    }
  });

  it('When a field is missing, extra, mistyped or out of range, then TELEMETRY_SCHEMA names it', () => {
    const good = signed(weight('scale-1', 1, 5));
    const cases: [unknown, RegExp][] = [
      [{ ...good, extra: 1 }, /extra/],
      [{ ...good, seq: -1 }, /seq/],
      [{ ...good, seq: 1.5 }, /seq/],
      [{ ...good, ts: '2026-11-24 00:00:00' }, /ts/],
      [{ ...good, values: { kg: '5' } }, /kg/],
      [{ ...good, values: { c: 5 } }, /values/],
      [{ ...good, kind: 'smoke' }, /kind/],
      [{ ...good, device: 'Bad Id' }, /device/],
      [{ ...camera, segment: { ...camera.segment, sha256: 'AB'.repeat(32) }, sig: good.sig }, /sha256/],
      [{ device: 'scale-1', kind: 'batch', readings: [], sig: good.sig }, /readings/],
      [[good], /object/],
    ];
    for (const [value, field] of cases) {
      const r = parseTelemetry(bytes(value));
      assert.equal(r.ok, false, JSON.stringify(value));
      assert.equal(!r.ok && r.code, 'TELEMETRY_SCHEMA');
      assert.match(!r.ok ? r.detail : '', field);
    }
  });

  it('When the payload exceeds the size limit, then TELEMETRY_TOO_LARGE without parsing it', () => {
    const r = parseTelemetry(new Uint8Array(LIMITS.maxPayloadBytes + 1));
    assert.equal(!r.ok && r.code, 'TELEMETRY_TOO_LARGE');
  });

  it('When a batch holds more readings than allowed, then TELEMETRY_SCHEMA', () => {
    const items = Array.from({ length: LIMITS.maxBatchReadings + 1 }, (_, i) => ({ seq: i, ts: iso(T0), kind: 'rfid' as const, values: { count: i } }));
    const r = parseTelemetry(bytes(batchOf('rfid-1', items)));
    assert.equal(!r.ok && r.code, 'TELEMETRY_SCHEMA');
  });

  it('When the payload is RFC 8785 text, then the bytes the signature covers are cut from it, equal to RFC 8785 of the message without sig', () => {
    const batch = batchOf('scale-1', [{ seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }, { seq: 2, ts: iso(T0), kind: 'status', status: { state: 'online' } }]);
    for (const msg of [signed(weight('scale-1', 1, 1234.5)), signed(camera), batch]) { // sig in the middle (readings) and last (batch)
      const r = parseTelemetry(bytes(canonicalJson(msg)));
      assert.ok(r.ok);
      assert.deepEqual(r.message, msg);
      assert.equal(new TextDecoder().decode(r.unsigned), canonicalJson(withoutSig(msg)));
    }
  });

  it('When the payload is valid JSON but not RFC 8785, then it parses the same and the verifier serialises it itself', () => {
    const msg = signed(weight('scale-1', 1, 1234.5));
    const spaced = JSON.stringify(JSON.parse(canonicalJson(msg)), null, 1);
    for (const text of [JSON.stringify(msg), spaced]) assert.deepEqual(parseTelemetry(bytes(text)), { ok: true, message: msg });
  });

  it('When sig is cut from canonical text, then only the top-level member goes, with the comma that joined it', () => {
    const cut = (text: string): string | undefined => unsignedText(text, scanCanonicalJson(text)!);
    assert.equal(cut('{"sig":"AA=="}'), '{}');
    assert.equal(cut('{"a":1,"sig":"AA=="}'), '{"a":1}');
    assert.equal(cut('{"a":1,"sig":"AA==","t":[2]}'), '{"a":1,"t":[2]}');
    assert.equal(cut('{"a":{"sig":"x"},"sig":"AA=="}'), '{"a":{"sig":"x"}}');
    assert.equal(cut('{"a":{"sig":"x"}}'), undefined); // no top-level sig
    assert.equal(cut('{"a\\"sig":1}'), undefined); // a longer name that ends in "sig
    assert.equal(cut('{"sig":1}'), undefined); // not a string
  });

  it('When the signing bytes are computed, then they are the domain label and RFC 8785 of the message without sig', () => {
    const msg = signed(weight('scale-1', 7, 2.5));
    const text = new TextDecoder().decode(telemetrySigningBytes(msg));
    assert.equal(text, `ledgerhouse/v1/reading\n{"device":"scale-1","kind":"load-cell","seq":7,"ts":"${iso(T0)}","values":{"kg":2.5}}`);
    const b = batchOf('scale-1', [{ seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }]);
    assert.match(new TextDecoder().decode(telemetrySigningBytes(b)), /^ledgerhouse\/v1\/reading-batch\n\{"device":"scale-1","kind":"batch","readings":\[/);
  });
});

import assert from 'node:assert/strict';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { verify as portableVerify } from '../../../ledger/crypto/ed25519.js';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import type { ReadingBatch } from '../../../iot-gateway/formats/telemetry-message.js';
import { checkMessage, DEFAULT_SKEW, verdictOf, verifyMessage, type Arrival, type VerifyContext } from '../../../iot-gateway/verify/verify-message.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { canonicalBytes } from '../../../ledger/encoding/canonical.js';
import { sha256 } from '../../../ledger/merkle/sha256.js';
import { testKey } from '../../support/ledger-harness.js';
import { batchOf, device, iso, signed, T0, weight } from '../support/readings.js';

const fast = new FastVerifier();
const ctx: VerifyContext = { nowMs: T0, ...DEFAULT_SKEW, verify: (s, m, k) => fast.verify(s, m, k) };
const at: Arrival = { warehouse: 'wh-a', device: 'scale-1', channel: 'telemetry' };
const scale = device('scale-1', { kinds: ['load-cell'] });

function code(v: ReturnType<typeof verifyMessage>): string {
  return v.ok ? 'OK' : v.code;
}

describe('iot-gateway verify: verifyMessage', () => {
  it('When a registered device signs a reading on its own topic, then it verifies with its signature as evidence', () => {
    const msg = signed(weight('scale-1', 1, 10));
    const v = verifyMessage(msg, at, scale, ctx);
    assert.ok(v.ok);
    assert.deepEqual(v.evidence, { sig: msg.sig });
    assert.deepEqual(v.readings, [weight('scale-1', 1, 10)]);
  });

  it('When the portable verifier is used instead of the fast path, then the verdicts agree', () => {
    const good = signed(weight('scale-1', 1, 10));
    const forged = signReading(weight('scale-1', 1, 10), testKey('mallory').seed);
    for (const msg of [good, forged]) {
      assert.equal(code(verifyMessage(msg, at, scale, { ...ctx, verify: portableVerify })), code(verifyMessage(msg, at, scale, ctx)));
    }
  });

  it('When a batch verifies, then every reading gets the device id and the batch digest as evidence', () => {
    const b = batchOf('scale-1', [{ seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }, { seq: 2, ts: iso(T0), kind: 'load-cell', values: { kg: 2 } }]);
    const v = verifyMessage(b, at, scale, ctx);
    assert.ok(v.ok);
    assert.equal(v.readings.length, 2);
    assert.equal(v.readings[1]!.device, 'scale-1');
    assert.ok('batch' in v.evidence);
    assert.ok(v.batchMessage instanceof Uint8Array);
    assert.deepEqual(v.batchMessage, canonicalBytes(b), 'the kept bytes are exactly RFC 8785 of the signed message');
    assert.equal(v.evidence.batch, toHex(sha256(canonicalBytes(b))));
  });

  it('When a batch carries a member that sorts after sig, then the kept bytes are still RFC 8785 of the whole message', () => {
    const b = { ...batchOf('scale-1', [{ seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }]), zz: 1 } as unknown as ReadingBatch;
    const checked = checkMessage(b, at, scale, ctx);
    assert.ok(checked.ok);
    const v = verdictOf(checked, true);
    assert.ok(v.ok);
    assert.deepEqual(v.batchMessage, canonicalBytes(b));
  });

  it('When the signature is by another key, or a single-reading signature is presented as a batch, then SIGNATURE_INVALID', () => {
    const forged = signReading(weight('scale-1', 1, 10), testKey('mallory').seed);
    assert.equal(code(verifyMessage(forged, at, scale, ctx)), 'SIGNATURE_INVALID');
    const single = signed(weight('scale-1', 1, 10));
    const asBatch = { device: 'scale-1', kind: 'batch' as const, readings: [{ seq: 1, ts: single.ts, kind: 'load-cell' as const, values: { kg: 10 } }], sig: single.sig };
    assert.equal(code(verifyMessage(asBatch, at, scale, ctx)), 'SIGNATURE_INVALID');
    const tampered = { ...single, values: { kg: 11 } } as typeof single;
    assert.equal(code(verifyMessage(tampered, at, scale, ctx)), 'SIGNATURE_INVALID');
  });

  it('When the device is unknown or revoked, then DEVICE_UNKNOWN or DEVICE_REVOKED', () => {
    const msg = signed(weight('scale-1', 1, 10));
    assert.equal(code(verifyMessage(msg, at, undefined, ctx)), 'DEVICE_UNKNOWN');
    assert.equal(code(verifyMessage(msg, at, { ...scale, status: 'revoked' }, ctx)), 'DEVICE_REVOKED');
  });

  it('When the payload disagrees with the topic (device, warehouse or channel), then TOPIC_MISMATCH', () => {
    const msg = signed(weight('scale-1', 1, 10));
    assert.equal(code(verifyMessage(msg, { ...at, device: 'scale-2' }, scale, ctx)), 'TOPIC_MISMATCH');
    assert.equal(code(verifyMessage(msg, { ...at, warehouse: 'wh-b' }, scale, ctx)), 'TOPIC_MISMATCH');
    assert.equal(code(verifyMessage(msg, { ...at, channel: 'camera' }, scale, ctx)), 'TOPIC_MISMATCH');
  });

  it('When the device is not registered for the kind, then KIND_NOT_ALLOWED; status is always allowed', () => {
    const t = signed({ device: 'scale-1', seq: 1, ts: iso(T0), kind: 'temperature', values: { c: 4 } });
    assert.equal(code(verifyMessage(t, at, scale, ctx)), 'KIND_NOT_ALLOWED');
    const s = signed({ device: 'scale-1', seq: 2, ts: iso(T0), kind: 'status', status: { state: 'online' } });
    assert.equal(code(verifyMessage(s, { ...at, channel: 'status' }, scale, ctx)), 'OK');
  });

  it('When the reading time is just inside or just outside the skew window, then it passes or gets TIME_SKEW', () => {
    const edge = (ms: number) => code(verifyMessage(signed(weight('scale-1', 1, 1, ms)), at, scale, ctx));
    assert.equal(edge(T0 + DEFAULT_SKEW.maxFutureMs), 'OK');
    assert.equal(edge(T0 + DEFAULT_SKEW.maxFutureMs + 1), 'TIME_SKEW');
    assert.equal(edge(T0 - DEFAULT_SKEW.maxAgeMs), 'OK');
    assert.equal(edge(T0 - DEFAULT_SKEW.maxAgeMs - 1), 'TIME_SKEW');
  });

  it('When the sig is not base64, then SIGNATURE_INVALID rather than an exception', () => {
    const msg = { ...signed(weight('scale-1', 1, 10)), sig: '!'.repeat(88) };
    assert.equal(code(verifyMessage(msg, at, scale, ctx)), 'SIGNATURE_INVALID');
  });
});

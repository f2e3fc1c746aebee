import assert from 'node:assert/strict';
import { FrameGuard } from '../../../iot-gateway/broker/frame-guard.js';
import { TokenBuckets } from '../../../iot-gateway/broker/rate-limit.js';
import { commandTopic, parseTopic, publishDenied, subscribeAllowed } from '../../../iot-gateway/broker/topics.js';

/** A PUBLISH-like packet: type byte, Remaining Length varint [MQTT-2.2.3], body. */
function packet(bodyLength: number): Uint8Array {
  const len: number[] = [];
  let n = bodyLength;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return new Uint8Array([0x32, ...len, ...new Uint8Array(bodyLength)]);
}

describe('iot-gateway broker rules (pure)', () => {
  it('When packets up to the limit arrive in any chunking, then the guard lets them through; one byte more is too large', () => {
    const stream = new Uint8Array([...packet(10), ...packet(200), ...packet(1021)]); // 1021 + 1 + 2 = 1024 bytes
    for (const size of [1, 3, 7, 64, stream.length]) {
      const g = new FrameGuard(1024);
      for (let i = 0; i < stream.length; i += size) assert.deepEqual(g.push(stream.subarray(i, i + size)), { ok: true }, `chunk ${size}`);
    }
    assert.deepEqual(new FrameGuard(1024).push(packet(1022).subarray(0, 3)), { ok: false, reason: 'too-large', size: 1025 });
  });

  it('When a length varint runs past four bytes, then the stream is malformed', () => {
    assert.deepEqual(new FrameGuard(1024).push(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff])), { ok: false, reason: 'malformed' });
  });

  it('When topics are parsed, then only lh/v1/{warehouse}/{device}/{telemetry|camera|status} qualify', () => {
    assert.deepEqual(parseTopic('lh/v1/wh-a/scale-1/camera'), { warehouse: 'wh-a', device: 'scale-1', channel: 'camera' });
    for (const t of ['lh/v1/wh-a/scale-1/cmd', 'lh/v1/wh-a/scale-1/telemetry/x', 'lh/v2/wh-a/scale-1/telemetry', 'lh/v1/WH/scale-1/telemetry', 'lh/v1/wh-a/+/telemetry']) {
      assert.equal(parseTopic(t), undefined, t);
    }
  });

  it('When a device publishes or subscribes, then only its own prefix and its own cmd topic are allowed', () => {
    assert.equal(publishDenied('scale-1', 'wh-a', 'lh/v1/wh-a/scale-1/status'), undefined);
    assert.match(publishDenied('scale-1', 'wh-a', 'lh/v1/wh-a/scale-2/status')!, /only under lh\/v1\/wh-a\/scale-1\//);
    assert.match(publishDenied('scale-1', 'wh-a', 'lh/v1/wh-b/scale-1/status')!, /only under/);
    assert.match(publishDenied('scale-1', 'wh-a', '$SYS/x')!, /not a telemetry topic/);
    assert.equal(subscribeAllowed('scale-1', 'wh-a', commandTopic('wh-a', 'scale-1')), true);
    for (const f of ['lh/v1/wh-a/scale-1/#', 'lh/v1/wh-a/+/cmd', 'lh/v1/wh-a/scale-2/cmd', '#']) assert.equal(subscribeAllowed('scale-1', 'wh-a', f), false, f);
  });

  it('When a device sends faster than its rate, then the bucket allows the burst, refuses the excess and refills with time', () => {
    const b = new TokenBuckets({ perSecond: 10, burst: 3 });
    assert.deepEqual([1, 2, 3, 4].map(() => b.take('d', 0)), [true, true, true, false]);
    assert.equal(b.take('d', 99), false);
    assert.equal(b.take('d', 100), true, 'one token after 100 ms at 10/s');
    assert.equal(b.take('other', 0), true, 'buckets are per device');
  });
});

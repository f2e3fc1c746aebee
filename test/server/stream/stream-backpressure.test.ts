import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { CLOSE } from '../../../server/stream/stream-protocol.js';
import { openStreamHarness, waitUntil, type StreamHarness } from './stream-harness.js';

const LIMITS = { highWaterBytes: 64 * 1024, maxBufferedBytes: 256 * 1024, maxQueued: 500, maxStallMs: 30_000, closeGraceMs: 300 };
const PAD = 'x'.repeat(2_000);

/**
 * Publish ~2 KB readings and commit entries until the server starts closing a client (or `maxBytes` were
 * published), sampling the server's per-client buffer and inbox after every round.
 */
async function flood(h: StreamHarness, maxBytes: number) {
  let published = 0;
  let maxBuffered = 0;
  let maxQueued = 0;
  let round = 0;
  while (h.stream.stats().closing === 0 && published < maxBytes) {
    for (let i = 0; i < 100; i++) {
      h.feed.publish({ id: `${round}-${i}`, device: 'cell-1', warehouse: 'wh-north', kind: 'temperature', ts: '2026-11-24T00:00:00.000Z', values: { c: 1, pad: PAD } });
      published += PAD.length;
    }
    if (++round % 10 === 0) await h.fill(5, `flood-${round}`);
    await new Promise((r) => setImmediate(r));
    const s = h.stream.stats();
    maxBuffered = Math.max(maxBuffered, s.maxBufferedBytes);
    maxQueued = Math.max(maxQueued, s.maxQueued);
  }
  return { published, maxBuffered, maxQueued };
}

describe('server/stream: a client that stops reading', () => {
  let h: StreamHarness;
  beforeEach(async () => {
    h = await openStreamHarness(LIMITS);
  });
  afterEach(async () => h.close());

  it('When a ws client pauses its socket while events flood in, then the server buffer stays under the cap and the client is closed with 4008 and a reason', async () => {
    const c = await h.connect('regulator');
    c.subscribe(['telemetry', 'ledger']);
    await c.waitFor((m) => m.type === 'caught-up');
    const socket = (c.ws as unknown as { _socket: net.Socket })._socket;
    socket.pause();

    const { published, maxBuffered, maxQueued } = await flood(h, 200 * 1024 * 1024);
    assert.equal(h.stream.stats().closing, 1, 'the server gave up on the client');
    assert.ok(published > 8 * LIMITS.maxBufferedBytes, `the flood (${published} B) dwarfed the cap`);
    assert.ok(maxBuffered <= LIMITS.maxBufferedBytes, `bufferedAmount peaked at ${maxBuffered}`);
    assert.ok(maxQueued <= LIMITS.maxQueued, `inbox peaked at ${maxQueued}`);
    // Nothing more is queued for the client once it is being closed.
    await h.fill(5, 'after');
    assert.ok(h.stream.stats().maxBufferedBytes <= LIMITS.maxBufferedBytes);

    socket.resume(); // the client reads what was buffered, then the close frame with the reason
    const closed = await c.closed;
    assert.equal(closed.code, CLOSE.slowConsumer);
    // The pump stopped at the high-water mark, so it was the inbox, not the socket buffer, that overflowed.
    assert.equal(closed.reason, `slow consumer: more than ${LIMITS.maxQueued} messages waiting`);
    await waitUntil(() => h.stream.clients() === 0, 2_000, 'the client to go');
  });

  it('When a raw TCP client never reads at all, then the server caps its buffer, closes it, and destroys the socket after the grace period', async () => {
    const { token } = await h.token('regulator');
    const port = Number(new URL(h.url).port);
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    raw.pause();
    raw.write(
      `GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    // RFC 6455 §5.2: one masked text frame carrying the subscribe message.
    const payload = Buffer.from(JSON.stringify({ op: 'subscribe', channels: ['telemetry'] }));
    const mask = randomBytes(4);
    raw.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4]!)]));
    await waitUntil(() => h.stream.clients() === 1, 2_000, 'the raw client to be accepted');
    await new Promise((r) => setTimeout(r, 50)); // let the subscribe message arrive

    const { maxBuffered, maxQueued } = await flood(h, 200 * 1024 * 1024);
    assert.equal(h.stream.stats().closing, 1);
    assert.ok(maxBuffered <= LIMITS.maxBufferedBytes, `bufferedAmount peaked at ${maxBuffered}`);
    assert.ok(maxQueued <= LIMITS.maxQueued);
    await waitUntil(() => h.stream.clients() === 0, 5_000, 'the socket to be destroyed');
    raw.destroy();
  });
});

describe('server/stream: a client that pauses and catches up', () => {
  const limits = { ...LIMITS, maxQueued: 20_000 };
  let h: StreamHarness;
  before(async () => {
    h = await openStreamHarness(limits);
  });
  after(async () => h.close());

  it('When a client pauses through a burst larger than the kernel buffers and then reads again, then the server waited at the high-water mark and the client gets every reading in order', async () => {
    const c = await h.connect('regulator');
    c.subscribe(['telemetry']);
    await c.waitFor((m) => m.type === 'caught-up');
    const socket = (c.ws as unknown as { _socket: net.Socket })._socket;
    socket.pause();
    const count = 5_000; // ~10 MB: more than loopback TCP buffers hold (about 4 MB here)
    let maxBuffered = 0;
    let maxQueued = 0;
    for (let i = 0; i < count; i++) {
      h.feed.publish({ id: i, device: 'cell-1', warehouse: 'wh-north', kind: 'temperature', ts: '2026-11-24T00:00:00.000Z', values: { c: i, pad: PAD } });
      if (i % 100 === 0) {
        await new Promise((r) => setImmediate(r));
        const s = h.stream.stats();
        maxBuffered = Math.max(maxBuffered, s.maxBufferedBytes);
        maxQueued = Math.max(maxQueued, s.maxQueued);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    maxQueued = Math.max(maxQueued, h.stream.stats().maxQueued);
    assert.ok(maxQueued > 0, 'the inbox absorbed the burst while the socket was full');
    assert.ok(maxBuffered <= limits.highWaterBytes + 4_096, `bufferedAmount peaked at ${maxBuffered}`);
    socket.resume();
    await waitUntil(() => c.messages.length === count + 2, 10_000, 'every reading');
    const ids = c.messages.filter((m) => m.type === 'reading').map((m) => (m as { reading: { id: number } }).reading.id);
    assert.deepEqual(ids, Array.from({ length: count }, (_, i) => i));
    assert.equal(c.ws.readyState, c.ws.OPEN);
    c.ws.close();
  });
});

describe('server/stream: a client whose socket stays full', () => {
  it('When the socket does not drain within maxStallMs, then the client is closed with 4008 although its inbox has room', async () => {
    const h = await openStreamHarness({ ...LIMITS, maxQueued: 1_000_000, maxStallMs: 200 });
    try {
      const c = await h.connect('regulator');
      c.subscribe(['telemetry']);
      await c.waitFor((m) => m.type === 'caught-up');
      const socket = (c.ws as unknown as { _socket: net.Socket })._socket;
      socket.pause();
      const { maxBuffered } = await flood(h, 40 * 1024 * 1024);
      if (h.stream.stats().closing === 0) await waitUntil(() => h.stream.stats().closing === 1, 2_000, 'the stall timeout');
      assert.ok(maxBuffered <= LIMITS.maxBufferedBytes);
      socket.resume();
      assert.deepEqual(await c.closed, { code: CLOSE.slowConsumer, reason: 'slow consumer: socket did not drain within 200 ms' });
    } finally {
      await h.close();
    }
  });
});

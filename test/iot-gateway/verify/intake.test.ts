// The intake without a broker: a real memory store, real verification (in this thread, or in a real worker pool).
// Group commit, arrival order through the pool, back-pressure, store failure.
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { ManualClock } from '../../../ledger/clock.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { testKey } from '../../support/ledger-harness.js';
import { GatewayEvents } from '../../../iot-gateway/gateway-events.js';
import { newStats } from '../../../iot-gateway/gateway-stats.js';
import { Intake, MAX_GROUP_READINGS, MAX_WRITES_IN_FLIGHT, type IntakeDeps, type IntakeOutcome } from '../../../iot-gateway/intake/intake.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import type { AppendResult, ReadingRecord } from '../../../iot-gateway/store/telemetry-store.js';
import { DEFAULT_SKEW } from '../../../iot-gateway/verify/verify-message.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { sha256 } from '../../../ledger/merkle/sha256.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { batchOf, bytes, device, iso, signed, T0, weight } from '../support/readings.js';

const fast = new FastVerifier();
const topic = 'lh/v1/wh-a/scale-1/telemetry';

function intake(over: Partial<IntakeDeps> = {}) {
  const stats = newStats();
  const stored: number[] = [];
  const deps: IntakeDeps = {
    store: new MemoryTelemetryStore(), devices: (id) => (id === 'scale-1' ? device('scale-1') : undefined), clock: new ManualClock(T0),
    verify: (s, m, k) => fast.verify(s, m, k), skew: DEFAULT_SKEW, stats, events: new GatewayEvents(), logger: pino({ level: 'silent' }),
    maxQueue: 100, onStored: (fresh) => stored.push(...fresh.map((f) => f.id)), ...over,
  };
  return { i: new Intake(deps), stats, stored, deps };
}

describe('iot-gateway intake', () => {
  it('When messages arrive in one event-loop turn, then they are stored in one write, duplicates inside it included', async () => {
    const { i, stats, stored } = intake();
    const m = bytes(signed(weight('scale-1', 0, 1)));
    const out = await Promise.all([i.receive(topic, m), i.receive(topic, m), i.receive(topic, bytes(signed(weight('scale-1', 3, 1))))]);
    assert.deepEqual(out.map((o) => o.action === 'ack' && o.status), ['stored', 'duplicate', 'stored']);
    assert.deepEqual(stored, [1, 2]);
    assert.deepEqual([stats.stored, stats.duplicates, stats.gaps], [2, 1, 1]);
  });

  it('When more readings are queued than one write takes, then whole messages go in several writes, in arrival order', async () => {
    class Counting extends MemoryTelemetryStore {
      readonly writes: number[] = [];
      override async append(records: readonly ReadingRecord[], messages?: Parameters<MemoryTelemetryStore['append']>[1]): Promise<AppendResult[]> {
        this.writes.push(records.length);
        return super.append(records, messages);
      }
    }
    const store = new Counting();
    const { i } = intake({ store, maxQueue: 10_000 });
    const message = (k: number) => bytes(batchOf('scale-1', Array.from({ length: 500 }, (_, j) => ({ seq: k * 500 + j, ts: iso(T0), kind: 'load-cell' as const, values: { kg: j } }))));
    const out = await Promise.all([0, 1, 2, 3, 4].map((k) => i.receive(topic, message(k))));
    assert.ok(out.every((o) => o.action === 'ack' && o.status === 'stored'));
    assert.equal(MAX_GROUP_READINGS, 2_000);
    assert.deepEqual(store.writes, [2_000, 500]);
    assert.deepEqual((await store.readings({ device: 'scale-1', limit: 2_500 })).readings.map((r) => r.record.seq), Array.from({ length: 2_500 }, (_, j) => j));
  });

  it('When a batch message is stored, then every reading gets the batch digest and the signed batch is kept', async () => {
    const { i, deps } = intake();
    const b = batchOf('scale-1', [{ seq: 0, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }, { seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 2 } }]);
    const out = await i.receive(topic, bytes(b));
    assert.deepEqual(out, { action: 'ack', status: 'stored', ids: [1, 2] });
    const r = (await deps.store.reading(2))!.record as ReadingRecord & { batch: string };
    assert.match(r.batch, /^[0-9a-f]{64}$/);
    assert.ok(await deps.store.message(r.batch));
  });

  it('When messages come as RFC 8785 text, then they are verified on the bytes cut from it: a tampered one is refused, a batch keeps its exact bytes', async () => {
    const { i, deps } = intake();
    const good = signed(weight('scale-1', 0, 1));
    const tampered = { ...signed(weight('scale-1', 1, 1)), values: { kg: 2 } };
    const b = batchOf('scale-1', [{ seq: 2, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }]);
    const out = await Promise.all([good, tampered, b].map((m) => i.receive(topic, bytes(canonicalJson(m)))));
    assert.deepEqual(out.map((o) => (o.action === 'ack' ? o.status : o.action)), ['stored', 'rejected', 'stored']);
    assert.equal(out[1]!.action === 'ack' && 'code' in out[1]! && out[1].code, 'SIGNATURE_INVALID');
    const digest = ((await deps.store.reading(2))!.record as ReadingRecord & { batch: string }).batch;
    assert.equal(digest, toHex(sha256(bytes(canonicalJson(b)))));
  });

  it('When more readings wait than maxQueue, then OVERLOADED asks for a retry and nothing is acknowledged', async () => {
    const { i, stats } = intake({ maxQueue: 1 });
    const [a, b] = await Promise.all([i.receive(topic, bytes(signed(weight('scale-1', 0, 1)))), i.receive(topic, bytes(signed(weight('scale-1', 1, 1))))]);
    assert.equal(a.action, 'ack');
    assert.deepEqual([b.action, b.action !== 'ack' && b.code], ['retry', 'OVERLOADED']);
    assert.equal(stats.rejected.OVERLOADED, 1);
  });

  it('When the store fails, then STORE_FAILED asks for a retry, and the next message is served', async () => {
    class Failing extends MemoryTelemetryStore {
      fail = true;
      override async append(records: readonly ReadingRecord[]): Promise<AppendResult[]> {
        if (this.fail) throw new Error('SQLITE_IOERR');
        return super.append(records);
      }
    }
    const store = new Failing();
    const { i } = intake({ store });
    const first = await i.receive(topic, bytes(signed(weight('scale-1', 0, 1))));
    assert.deepEqual([first.action, first.action !== 'ack' && first.code], ['retry', 'STORE_FAILED']);
    store.fail = false;
    assert.equal((await i.receive(topic, bytes(signed(weight('scale-1', 0, 1))))).action, 'ack');
  });

  describe('writes sent ahead (a store that applies writes in call order)', () => {
    /** A memory store that applies each write only when the test releases it, in call order, like the writer thread. */
    class Gated extends MemoryTelemetryStore {
      readonly writesInOrder = true;
      readonly sent: number[][] = [];
      readonly #gates: (() => void)[] = [];
      #chain: Promise<unknown> = Promise.resolve();
      failNext = false;
      override append(records: readonly ReadingRecord[]): Promise<AppendResult[]> {
        this.sent.push(records.map((r) => r.seq));
        const fail = this.failNext;
        this.failNext = false;
        const gate = new Promise<void>((r) => this.#gates.push(r));
        const done = this.#chain.then(() => gate).then(() => {
          if (fail) throw new Error('SQLITE_IOERR');
          return super.append(records);
        });
        this.#chain = done.catch(() => undefined);
        return done;
      }
      release(): void {
        this.#gates.splice(0).forEach((g) => g());
      }
    }
    /** Event-loop turns enough for a received message to be verified and its write sent. */
    const turns = async (): Promise<void> => {
      for (let t = 0; t < 3; t++) await new Promise<void>((r) => setImmediate(r));
    };
    const one = (seq: number) => bytes(signed(weight('scale-1', seq, 1)));

    /** A full group (MAX_GROUP_READINGS readings) as four batch messages of 500, seqs from 2,000 × k. */
    const fullGroup = (k: number) => [0, 1, 2, 3].map((m) => bytes(batchOf('scale-1', Array.from({ length: 500 }, (_, j) => (
      { seq: k * 2_000 + m * 500 + j, ts: iso(T0), kind: 'load-cell' as const, values: { kg: j } })))));
    const firstSeqs = (sent: readonly number[][]) => sent.map((w) => [w[0], w.length]);

    it('When full groups keep arriving while writes are in flight, then up to MAX_WRITES_IN_FLIGHT writes go out, settled in order', async () => {
      const store = new Gated();
      const { i, stats } = intake({ store, maxQueue: 20_000 });
      const settledOrder: number[] = [];
      const outcomes: Promise<unknown>[] = [];
      for (let k = 0; k < MAX_WRITES_IN_FLIGHT + 1; k++) {
        fullGroup(k).forEach((m, j) => outcomes.push(i.receive(topic, m).then((o) => settledOrder.push(k * 4 + j) && o)));
        await turns();
      }
      assert.equal(MAX_WRITES_IN_FLIGHT, 4);
      assert.deepEqual(firstSeqs(store.sent), [[0, 2_000], [2_000, 2_000], [4_000, 2_000], [6_000, 2_000]], 'four writes in flight, none answered; the fifth group waits');
      assert.deepEqual(settledOrder, []);
      store.release();
      await Promise.all(outcomes.slice(0, 16));
      await turns();
      assert.deepEqual(firstSeqs(store.sent.slice(4)), [[8_000, 2_000]]);
      store.release();
      await Promise.all(outcomes);
      assert.deepEqual(settledOrder, Array.from({ length: 20 }, (_, j) => j));
      assert.equal(stats.stored, 10_000);
    });

    it('When less than a full group waits while a write is in flight, then it waits to join the next write', async () => {
      const store = new Gated();
      const { i } = intake({ store });
      const out = [i.receive(topic, one(0))];
      await turns();
      out.push(i.receive(topic, one(1)), i.receive(topic, one(2)));
      await turns();
      assert.deepEqual(store.sent, [[0]]);
      store.release();
      await out[0];
      await turns();
      assert.deepEqual(store.sent, [[0], [1, 2]]);
      store.release();
      await Promise.all(out);
    });

    it('When a write in the middle fails, then its messages get STORE_FAILED and the writes around it are stored and acknowledged', async () => {
      const store = new Gated();
      const { i } = intake({ store, maxQueue: 20_000 });
      const out: Promise<IntakeOutcome>[] = [];
      for (let k = 0; k < 3; k++) {
        store.failNext = k === 1;
        out.push(...fullGroup(k).map((m) => i.receive(topic, m)));
        await turns();
      }
      assert.equal(store.sent.length, 3);
      store.release();
      const statuses = (await Promise.all(out)).map((o) => (o.action === 'ack' ? o.status : o.code));
      assert.deepEqual(statuses, [...Array(4).fill('stored'), ...Array(4).fill('STORE_FAILED'), ...Array(4).fill('stored')]);
      const again = fullGroup(1).map((m) => i.receive(topic, m));
      await turns();
      store.release();
      assert.ok((await Promise.all(again)).every((o) => o.action === 'ack' && o.status === 'stored'), 'the device resends them: stored late, in the gap');
      assert.equal((await store.readings({ device: 'scale-1', limit: 10_000 })).readings.length, 6_000);
    });

    it('When the store does not promise call order, then one write at a time', async () => {
      const store = new Gated();
      Object.defineProperty(store, 'writesInOrder', { value: false });
      const { i } = intake({ store });
      const out = [i.receive(topic, one(0))];
      await turns();
      out.push(i.receive(topic, one(1)));
      await turns();
      assert.deepEqual(store.sent, [[0]]);
      store.release();
      await out[0];
      await turns();
      store.release();
      await Promise.all(out);
      assert.deepEqual(store.sent, [[0], [1]]);
    });
    describe('group commit delay (groupDelayMs)', () => {
      it('When messages trickle in while the store is idle, then the first waits out the delay and they go in one write', async () => {
        const store = new Gated();
        const { i } = intake({ store, groupDelayMs: 200 });
        const t0 = performance.now();
        const out = [i.receive(topic, one(0))];
        await turns();
        out.push(i.receive(topic, one(1)));
        await turns();
        assert.deepEqual(store.sent, [], 'nothing written within the delay');
        while (store.sent.length === 0 && performance.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 5));
        assert.ok(performance.now() - t0 >= 150, `written after ${performance.now() - t0} ms`);
        assert.deepEqual(store.sent, [[0, 1]]);
        store.release();
        assert.deepEqual((await Promise.all(out)).map((o) => o.action === 'ack' && o.status), ['stored', 'stored']);
      });

      it('When a full group waits, then it is written at once, without waiting out the delay', async () => {
        const store = new Gated();
        const { i } = intake({ store, groupDelayMs: 60_000, maxQueue: 20_000 });
        const out = fullGroup(0).map((m) => i.receive(topic, m));
        await turns();
        assert.deepEqual(firstSeqs(store.sent), [[0, 2_000]]);
        store.release();
        await Promise.all(out);
      });

      it('When the intake is drained, then a group waiting out the delay is written now', async () => {
        const { i, stored } = intake({ groupDelayMs: 60_000 });
        const out = i.receive(topic, one(0));
        await i.drain();
        assert.deepEqual(stored, [1]);
        assert.equal((await out).action, 'ack');
      });

      it('When the delay is negative or not a number, then RangeError', () => {
        for (const groupDelayMs of [-1, Number.NaN]) assert.throws(() => intake({ groupDelayMs }), RangeError);
      });
    });
  });

  it('When the topic is not a telemetry topic or disagrees with the payload, then the connection is to be closed', async () => {
    const { i } = intake();
    for (const t of ['lh/v1/wh-a/scale-1/other', 'lh/v1/wh-b/scale-1/telemetry', 'x']) {
      const o = await i.receive(t, bytes(signed(weight('scale-1', 0, 1))));
      assert.deepEqual([o.action, o.action !== 'ack' && o.code], ['disconnect', 'TOPIC_MISMATCH'], t);
    }
  });

  describe('with the worker pool', () => {
    let pool: VerifyPool;
    beforeEach(async () => {
      pool = new VerifyPool({ size: 2, maxBatch: 4 });
      for (let i = 0; i < 500 && !pool.ready; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(pool.ready, 'the pool started');
    });
    afterEach(() => pool.close());

    it('When signatures are verified in the pool, then messages are stored in arrival order and a forged one alone is refused', async () => {
      const { i, stats, stored, deps } = intake({ pool, maxQueue: 1000 });
      const messages = Array.from({ length: 40 }, (_, seq) => (seq === 17
        ? signReading(weight('scale-1', seq, seq), testKey('mallory').seed)
        : signed(weight('scale-1', seq, seq))));
      const out = await Promise.all(messages.map((m) => i.receive(topic, bytes(m))));
      assert.deepEqual(out.map((o, n) => (o.action === 'ack' && o.status === 'rejected' ? `${n}:${o.code}` : o.action === 'ack' && o.status)).filter((x) => x !== 'stored'), ['17:SIGNATURE_INVALID']);
      assert.deepEqual(stored, Array.from({ length: 39 }, (_, n) => n + 1), 'dense ids');
      const seqs = await Promise.all(stored.map(async (id) => (await deps.store.reading(id))!.record.seq));
      assert.deepEqual(seqs, messages.map((m) => m.seq).filter((s) => s !== 17), 'stored in arrival order');
      assert.deepEqual(await deps.store.gaps('scale-1'), [{ device: 'scale-1', from: 17, to: 17, detectedAt: iso(T0) }]);
      assert.equal(stats.gaps, 1);
      assert.ok(pool.verified >= 40, 'the workers checked the signatures');
    });

    it('When a verification worker dies with messages in flight, then they are verified in this thread and nothing is lost', async () => {
      const one = new VerifyPool({ size: 1 });
      try {
        for (let n = 0; n < 500 && !one.ready; n++) await new Promise((r) => setTimeout(r, 10));
        const { i, stored } = intake({ pool: one });
        const pending = [0, 1, 2].map((seq) => i.receive(topic, bytes(signed(weight('scale-1', seq, seq)))));
        one.crashOneWorker(); // reaches the worker before the batch of these three
        const out = await Promise.all(pending);
        assert.deepEqual(out.map((o) => o.action === 'ack' && o.status), ['stored', 'stored', 'stored']);
        assert.deepEqual(stored, [1, 2, 3]);
        assert.equal(one.replacements, 1);
      } finally {
        await one.close();
      }
    });

    it('When the device key does not verify a batch in the pool, then SIGNATURE_INVALID and nothing is stored', async () => {
      const { i, deps } = intake({ pool });
      const b = { ...batchOf('scale-1', [{ seq: 0, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }]), sig: signed(weight('scale-1', 0, 1)).sig };
      const o = await i.receive(topic, bytes(b));
      assert.deepEqual([o.action, o.action === 'ack' && o.status, 'code' in o && o.code], ['ack', 'rejected', 'SIGNATURE_INVALID']);
      assert.equal(await deps.store.reading(1), undefined);
    });
  });
});

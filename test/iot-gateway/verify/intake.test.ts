// The intake without a broker: a real memory store, real verification. Group commit, back-pressure, store failure.
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { ManualClock } from '../../../ledger/clock.js';
import { GatewayEvents } from '../../../iot-gateway/gateway-events.js';
import { newStats } from '../../../iot-gateway/gateway-stats.js';
import { Intake, type IntakeDeps } from '../../../iot-gateway/intake/intake.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import type { AppendResult, ReadingRecord } from '../../../iot-gateway/store/telemetry-store.js';
import { DEFAULT_SKEW } from '../../../iot-gateway/verify/verify-message.js';
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

  it('When a batch message is stored, then every reading gets the batch digest and the signed batch is kept', async () => {
    const { i, deps } = intake();
    const b = batchOf('scale-1', [{ seq: 0, ts: iso(T0), kind: 'load-cell', values: { kg: 1 } }, { seq: 1, ts: iso(T0), kind: 'load-cell', values: { kg: 2 } }]);
    const out = await i.receive(topic, bytes(b));
    assert.deepEqual(out, { action: 'ack', status: 'stored', ids: [1, 2] });
    const r = (await deps.store.reading(2))!.record as ReadingRecord & { batch: string };
    assert.match(r.batch, /^[0-9a-f]{64}$/);
    assert.ok(await deps.store.message(r.batch));
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

  it('When the topic is not a telemetry topic or disagrees with the payload, then the connection is to be closed', async () => {
    const { i } = intake();
    for (const t of ['lh/v1/wh-a/scale-1/other', 'lh/v1/wh-b/scale-1/telemetry', 'x']) {
      const o = await i.receive(t, bytes(signed(weight('scale-1', 0, 1))));
      assert.deepEqual([o.action, o.action !== 'ack' && o.code], ['disconnect', 'TOPIC_MISMATCH'], t);
    }
  });
});

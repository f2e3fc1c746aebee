// Two covenant monitors, as two gateways run them, on one ledger and one shared telemetry store: a shared
// subscription deals each device's readings to both gateways, so each monitor is fed only its share while the store
// holds them all. Neither may raise what the other's readings disprove, and a breach both see is raised once.
import assert from 'node:assert/strict';
import type { Alert } from '../../../contracts/state.js';
import { CovenantMonitor } from '../../../iot-gateway/covenants/monitor.js';
import { GatewayEvents } from '../../../iot-gateway/gateway-events.js';
import { newStats, type GatewayStats } from '../../../iot-gateway/gateway-stats.js';
import { DeviceDirectory } from '../../../iot-gateway/intake/device-directory.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import type { ReadingRecord } from '../../../iot-gateway/store/telemetry-store.js';
import { GATEWAY_ID } from '../../../server/system.js';
import type { Covenants } from '../../../contracts/covenants.js';
import { silent } from '../support/gateway-world.js';
import { iso, signed, weight } from '../support/readings.js';
import { openWorld, type World } from '../support/world.js';

interface Pair {
  readonly w: World;
  readonly telemetry: SharedMemoryStore;
  readonly monitors: readonly { readonly m: CovenantMonitor; readonly stats: GatewayStats }[];
  readonly pledge: string;
  /** Store a reading of `device` (kg) at the clock's time, as the gateway `via` does: only that monitor is fed it. */
  store(via: 0 | 1, device: string, kg: number): Promise<void>;
  alerts(): Promise<Alert[]>;
  close(): Promise<void>;
}

const seqs = new Map<string, number>();

/** The telemetry store as several gateways share it (PostgreSQL in production). */
class SharedMemoryStore extends MemoryTelemetryStore {
  readonly shared = true;
}

async function openPair(covenants: Covenants, devices: readonly string[]): Promise<Pair> {
  const w = await openWorld('memory');
  for (const d of devices) await w.registerDevice(d, ['load-cell'], { lot: 'LOT-1' });
  const receipt = await w.issue('LOT-1', '1000.000', 'kg');
  const pledge = await w.pledge(receipt, covenants);
  const telemetry = new SharedMemoryStore();
  const monitors = await Promise.all([0, 1].map(async (i) => {
    const stats = newStats();
    const clock = { now: () => w.h.clock.now() + i * 250 }; // two machines' clocks are never quite the same
    const m = new CovenantMonitor({
      ledger: w.h.store, telemetry, devices: await DeviceDirectory.load(w.h.store), submit: (s) => w.h.pipeline.submit(s),
      gateway: { id: GATEWAY_ID, seed: w.gateway.seed }, clock, logger: silent, stats, events: new GatewayEvents(), tickMs: 3_600_000,
    });
    await m.start();
    return { m, stats };
  }));
  w.h.pipeline.onCommit((batch) => monitors.forEach(({ m }) => m.onCommit(batch))); // both follow the ledger
  return {
    w, telemetry, monitors, pledge,
    async store(via, device, kg) {
      const seq = seqs.get(device) ?? 0;
      seqs.set(device, seq + 1);
      const now = w.h.clock.now();
      const record = { ...signed(weight(device, seq, kg, now)), receivedAt: iso(now) } as ReadingRecord;
      const [stored] = await telemetry.append([record]);
      monitors[via]!.m.onStored([{ id: stored!.id, record }]);
    },
    async alerts() {
      const found = await w.h.store.queryState({ kind: 'alert', ref: pledge, limit: 100 });
      return found.map((r) => r.object as unknown as Alert);
    },
    async close() {
      for (const { m } of monitors) await m.close();
      await w.h.close();
    },
  };
}

async function settle(p: Pair): Promise<void> {
  for (let i = 0; i < 3; i++) for (const { m } of p.monitors) await m.settle();
}

describe('iot-gateway covenant monitors of two gateways on one shared telemetry store', () => {
  it('When each gateway gets every other reading of a device, then neither reports it silent; when it does fall silent, one alert is raised, not two', async () => {
    const p = await openPair({ deviceSilence: { maxGapSeconds: 45 } }, ['scale-1']);
    try {
      for (let i = 0; i < 6; i++) { // a reading every 30 s, dealt to the gateways in turn: each sees one every 60 s
        await p.store((i % 2) as 0 | 1, 'scale-1', 1000);
        p.w.h.clock.advance(30_000);
        for (const { m } of p.monitors) m.tick();
        await settle(p);
      }
      assert.deepEqual(await p.alerts(), [], 'no silence while the device reports every 30 s');

      p.w.h.clock.advance(60_000); // now it is silent, and both gateways notice before either alert is in
      for (const { m } of p.monitors) m.tick();
      await settle(p);
      const alerts = await p.alerts();
      assert.deepEqual(alerts.map((a) => [a.covenant, a.status]), [['deviceSilence', 'open']]);
      assert.deepEqual(p.monitors.map(({ stats }) => stats.alertFailures), [0, 0], 'the second raise is not a failure');
      for (const { m } of p.monitors) m.tick(); // still silent: neither raises it again
      await settle(p);
      assert.equal((await p.alerts()).length, 1);
    } finally {
      await p.close();
    }
  });

  it('When goods move between the lot\'s scales and each gateway saw only one of the changes, then no quantity-floor alert is raised', async () => {
    const p = await openPair({ quantityFloor: '900.000' }, ['scale-1', 'scale-2']);
    try {
      await p.store(0, 'scale-1', 500);
      await p.store(0, 'scale-2', 500);
      await p.store(1, 'scale-1', 500);
      await p.store(1, 'scale-2', 500);
      p.w.h.clock.advance(1_000);
      await p.store(1, 'scale-1', 800); // 300 kg moved from scale 2 to scale 1: 1,300 kg for a moment, then 1,000
      p.w.h.clock.advance(1_000);
      await p.store(0, 'scale-2', 200); // gateway 0 alone would sum 500 + 200 = 700 kg
      await settle(p);
      assert.deepEqual(await p.alerts(), []);

      p.w.h.clock.advance(1_000);
      await p.store(1, 'scale-1', 600); // now the lot holds less than the floor, 600 + 200 = 800 kg, though gateway 1 sums 1,100
      await settle(p);
      assert.deepEqual(await p.alerts(), [], 'gateway 1 does not know scale 2 dropped');
      for (const { m } of p.monitors) m.tick(); // the shared-store check on the next tick
      await settle(p);
      assert.deepEqual((await p.alerts()).map((a) => [a.covenant, a.severity]), [['quantityFloor', 'critical']]);
    } finally {
      await p.close();
    }
  });
});

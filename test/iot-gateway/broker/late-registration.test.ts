// A device registered a moment ago connects before the commit has reached the gateway's device directory, as with a
// gateway in its own thread, which hears of commits a moment after they are made: the broker reads the device from
// the ledger instead of refusing it; a device that is truly unknown is still refused, and a revocation the directory
// has applied is never undone by such a read.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createGateway, type Gateway } from '../../../iot-gateway/index.js';
import { MAX_DEVICE_LOOKUPS } from '../../../iot-gateway/broker/embedded-broker.js';
import { DeviceDirectory } from '../../../iot-gateway/intake/device-directory.js';
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import type { CommittedBatch } from '../../../ledger/pipeline/commit-pipeline.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { tempDir } from '../../support/temp-dir.js';
import { connectDevice, endAll, eventually } from '../support/devices.js';
import { silent } from '../support/gateway-world.js';
import { openWorld, type World } from '../support/world.js';

/**
 * The real store, whose device reads can be held back: a read made while `hold()` is in force answers only once the
 * opener `hold()` returned is called. Counts the reads in flight, to see how many a gateway makes at once.
 */
function heldReads(target: LedgerStore) {
  let gate: Promise<void> | undefined;
  const openers: (() => void)[] = [];
  const reads = { inFlight: 0, most: 0 };
  const store = new Proxy(target, {
    get(t, prop) {
      if (prop === 'getState') {
        return async (...args: Parameters<typeof t.getState>) => {
          const wait = gate;
          reads.most = Math.max(reads.most, ++reads.inFlight);
          try {
            const found = await t.getState(...args);
            await wait;
            return found;
          } finally {
            reads.inFlight--;
          }
        };
      }
      const v = Reflect.get(t, prop, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return {
    store, reads,
    /** Hold the reads made from now on; returns what lets them answer. */
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      openers.push(open);
      return open;
    },
    /** Reads made from now on answer at once (held ones still wait for their opener). */
    stopHolding(): void {
      gate = undefined;
    },
    releaseAll(): void {
      gate = undefined;
      for (const open of openers.splice(0)) open();
    },
  };
}

describe('iot-gateway: a device that connects before its registration reached the gateway', () => {
  let w: World;
  let tmp: ReturnType<typeof tempDir>;
  let telemetry: SqliteTelemetryStore;
  let gw: Gateway;
  let ledger: ReturnType<typeof heldReads>;
  /** Commits not yet relayed to the gateway. */
  let held: (() => void)[];

  beforeEach(async () => {
    w = await openWorld('memory');
    tmp = tempDir();
    telemetry = new SqliteTelemetryStore(path.join(tmp.dir, 'telemetry.db'));
    held = [];
    const pipeline = {
      submit: w.h.pipeline.submit.bind(w.h.pipeline),
      onCommit: (listener: (b: CommittedBatch) => void) => w.h.pipeline.onCommit((b) => void held.push(() => listener(b))),
    };
    ledger = heldReads(w.h.store);
    gw = await createGateway({
      telemetry, pipeline, store: ledger.store, gateway: { id: GATEWAY_ID, seed: w.gateway.seed }, clock: w.h.clock, logger: silent,
      options: { mqttHost: '127.0.0.1', mqttPort: 0, batchMs: 60_000, batchMax: 1000 },
    });
  });
  afterEach(async () => {
    ledger.releaseAll();
    await endAll();
    await gw.close();
    await telemetry.close();
    await w.h.close();
    tmp.remove();
  });

  it('When the registration is committed but not yet relayed, then the device is admitted; an unknown one is still refused', async () => {
    await w.registerDevice('scale-new', ['load-cell']);
    assert.equal(held.length > 0, true, 'the commit is held back from the gateway');
    const client = await connectDevice(gw.mqttPort, 'scale-new', w.h.clock.now());
    assert.equal(client.connected, true);
    await assert.rejects(connectDevice(gw.mqttPort, 'scale-never', w.h.clock.now()), (e: { code?: number }) => e.code === 5);
  });

  it('When unknown devices flood CONNECTs, then at most MAX_DEVICE_LOOKUPS ledger reads run at once and every one is refused', async () => {
    const open = ledger.hold();
    const attempts = Array.from({ length: 3 * MAX_DEVICE_LOOKUPS }, (_, i) => connectDevice(gw.mqttPort, `ghost-${i}`, w.h.clock.now()).then(
      () => 'admitted', (e: { code?: number }) => `refused ${e.code}`,
    ));
    // The first MAX_DEVICE_LOOKUPS wait on their (held) reads; the rest are refused without one.
    await eventually(() => ledger.reads.inFlight === MAX_DEVICE_LOOKUPS, 3000, 'the lookups to start');
    open();
    assert.deepEqual(new Set(await Promise.all(attempts)), new Set(['refused 5']));
    assert.equal(ledger.reads.most, MAX_DEVICE_LOOKUPS);
  });

  it('When a revocation is applied while a lookup of the device is in flight, then the stale read does not bring it back', async () => {
    const batches: CommittedBatch[] = [];
    const stop = w.h.pipeline.onCommit((b) => void batches.push(b));
    const slow = heldReads(w.h.store); // the first device read answers after the revocation below has been applied
    const dir = await DeviceDirectory.load(slow.store);
    await w.registerDevice('scale-race', ['load-cell']);
    const open = slow.hold();
    const stale = dir.refresh('scale-race'); // reads the device while it is active, answers late
    slow.stopHolding(); // apply's reads below answer at once
    await w.revokeDevice('scale-race');
    for (const b of batches) await dir.apply(b); // the revocation reaches the directory first
    assert.equal(dir.lookup('scale-race')?.status, 'revoked');
    assert.equal(slow.reads.inFlight, 1, 'the stale read is still in flight');
    open();
    assert.equal((await stale)?.status, 'revoked');
    assert.equal(dir.lookup('scale-race')?.status, 'revoked');
    stop();
  });
});

// A device registered a moment ago connects before the commit has reached the gateway's device directory, as with a
// gateway in its own thread, which hears of commits a moment after they are made: the broker reads the device from
// the ledger instead of refusing it; a device that is truly unknown is still refused, and a revocation the directory
// has applied is never undone by such a read.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createGateway, type Gateway } from '../../../iot-gateway/index.js';
import { DeviceDirectory } from '../../../iot-gateway/intake/device-directory.js';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import type { CommittedBatch } from '../../../ledger/pipeline/commit-pipeline.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { tempDir } from '../../support/temp-dir.js';
import { connectDevice, endAll } from '../support/devices.js';
import { silent } from '../support/gateway-world.js';
import { openWorld, type World } from '../support/world.js';

describe('iot-gateway: a device that connects before its registration reached the gateway', () => {
  let w: World;
  let tmp: ReturnType<typeof tempDir>;
  let telemetry: SqliteTelemetryStore;
  let gw: Gateway;
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
    gw = await createGateway({
      telemetry, pipeline, store: w.h.store, gateway: { id: GATEWAY_ID, seed: w.gateway.seed }, clock: w.h.clock, logger: silent,
      options: { mqttHost: '127.0.0.1', mqttPort: 0, batchMs: 60_000, batchMax: 1000 },
    });
  });
  afterEach(async () => {
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

  it('When a revocation is applied while a lookup of the device is in flight, then the stale read does not bring it back', async () => {
    const batches: CommittedBatch[] = [];
    const stop = w.h.pipeline.onCommit((b) => void batches.push(b));
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let first = true;
    // The real store, with the first device read answered late (after the revocation below has been applied).
    const store = new Proxy(w.h.store, {
      get(target, prop) {
        if (prop === 'getState') {
          return async (...args: Parameters<typeof target.getState>) => {
            const found = await target.getState(...args);
            if (first) {
              first = false;
              await gate;
            }
            return found;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const dir = await DeviceDirectory.load(store);
    await w.registerDevice('scale-race', ['load-cell']);
    const stale = dir.refresh('scale-race'); // reads the device while it is active, answers late
    await w.revokeDevice('scale-race');
    for (const b of batches) await dir.apply(b); // the revocation reaches the directory first
    assert.equal(dir.lookup('scale-race')?.status, 'revoked');
    open();
    assert.equal((await stale)?.status, 'revoked');
    assert.equal(dir.lookup('scale-race')?.status, 'revoked');
    stop();
  });
});

// Integration: close and reopen the gateway on the same SQLite telemetry file. Batches left sealed by the first
// run are anchored exactly once by the second, and device retransmissions are deduplicated.
import assert from 'node:assert/strict';
import { sealBatch } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { verifyReadingProof } from '../../../iot-gateway/reading-proof.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { connectDevice, endAll, publish, topicOf } from '../support/devices.js';
import { openGatewayWorld, type GatewayWorld } from '../support/gateway-world.js';
import { iso, signed, T0, weight } from '../support/readings.js';

async function anchorEntries(g: GatewayWorld): Promise<number> {
  const size = g.w.h.pipeline.size;
  const entries = await g.w.h.store.entries(0, size);
  return entries.filter((e) => e.type === 'telemetry.anchor').length;
}

describe('iot-gateway restart: exactly-once anchoring and deduplication', function () {
  this.timeout(15_000);
  let g: GatewayWorld;
  before(async () => {
    g = await openGatewayWorld();
    await g.w.registerDevice('scale-1', ['load-cell']);
    await g.restart(); // pick the device up at load
  });
  after(async () => {
    await g.close();
  });

  it('When the gateway stops with sealed-but-unrecorded and sealed-but-unsubmitted batches, then the next start anchors each once and retransmissions are acked as duplicates', async () => {
    const dev = await connectDevice(g.gw.mqttPort, 'scale-1', T0);
    const msgs = [0, 1, 2, 3].map((s) => JSON.stringify(signed(weight('scale-1', s, 900 - s, T0 + s))));
    for (const m of msgs) assert.equal(await publish(dev, topicOf('scale-1'), m), 'acked');

    // What a crash leaves: batch A committed to the ledger but its index never recorded; batch B sealed only.
    const store = g.gw.telemetry;
    const instance = await store.instanceId();
    const gw = { id: GATEWAY_ID, seed: g.w.gateway.seed };
    const a = sealBatch({ instance, gateway: gw, readings: await store.unbatched(2), now: iso(T0) });
    await store.createBatch(a);
    const committedA = await g.w.h.pipeline.submit(a.anchorTx);
    const b = sealBatch({ instance, gateway: gw, readings: await store.unbatched(2), now: iso(T0) });
    await store.createBatch(b);
    assert.equal(await anchorEntries(g), 1);

    await endAll();
    await g.restart({}, { anchor: false });
    assert.equal((await g.gw.telemetry.batch(a.id))!.anchor!.index, committedA.index);
    assert.ok((await g.gw.telemetry.batch(b.id))!.anchor);
    assert.equal(await anchorEntries(g), 2, 'A once, B once');

    const again = await connectDevice(g.gw.mqttPort, 'scale-1', T0);
    for (const m of msgs) assert.equal(await publish(again, topicOf('scale-1'), m), 'acked');
    assert.equal(g.gw.stats().duplicates, 4);
    assert.equal(g.gw.stats().stored, 0);
    await g.gw.flush();
    assert.equal(await anchorEntries(g), 2, 'nothing new to anchor');
    for (const id of [1, 2, 3, 4]) {
      const out = await g.gw.proof(id);
      assert.equal(out.status, 'ok');
      if (out.status === 'ok') assert.deepEqual(verifyReadingProof(out.proof, { logKey: g.w.h.signer.verifierKey }), { ok: true });
    }
  });
});

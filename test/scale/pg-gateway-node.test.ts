// The wiring in server/system.ts: with LH_DATABASE_URL a gateway node keeps telemetry in PostgreSQL (not in its
// local SQLite file), under an instance id that survives a restart (it names the node's MQTT session), and it
// follows the shared log, so devices registered through other instances reach its device directory.
import assert from 'node:assert/strict';
import { PgTelemetryStore } from '../../iot-gateway/store/pg-telemetry-store.js';
import { systemClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { loadConfig } from '../../server/config.js';
import { contractServices, OPERATOR_ID, startNode } from '../../server/system.js';
import { buildTx, testKey, type TestKey } from '../support/ledger-harness.js';
import { connectDevice, endAll, eventually } from '../iot-gateway/support/devices.js';
import { record } from '../iot-gateway/support/readings.js';
import { createTestSchema, describePg } from '../support/pg.js';
import { tempDir } from '../support/temp-dir.js';

/** A fresh schema and data directory, and the configuration of a gateway-only node on them. */
async function gatewayNode(url: string) {
  const schema = await createTestSchema(url);
  const tmp = tempDir();
  const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
  const config = loadConfig({
    LH_ROLE: 'gateway', LH_MQTT_PORT: '0', LH_DATA_DIR: tmp.dir, LH_DEMO: 'false', LH_LOG_LEVEL: 'silent', LH_DATABASE_URL: databaseUrl,
  });
  return { schema, tmp, config };
}

describePg('A gateway node on PostgreSQL', (url) => {
  it('When LH_DATABASE_URL is set, then the gateway stores telemetry in PostgreSQL under an instance id that survives a restart', async function () {
    this.timeout(60_000);
    const { schema, tmp, config } = await gatewayNode(url);
    try {
      const node = await startNode(config, systemClock);
      let instance: string;
      try {
        const telemetry = node.gateway!.telemetry;
        assert.ok(telemetry instanceof PgTelemetryStore);
        instance = await telemetry.instanceId();
        await telemetry.append([record('d-node', 0)]);
      } finally {
        await node.close();
      }
      const { rows } = await schema.pool(1).query<{ device: string }>('SELECT device FROM tl_readings');
      assert.deepEqual(rows, [{ device: 'd-node' }], 'the reading is in the PostgreSQL schema');
      const again = await startNode(config, systemClock);
      try {
        assert.equal(await again.gateway!.telemetry.instanceId(), instance, 'same instance id, so the same MQTT session');
        assert.equal(await again.gateway!.telemetry.highWater('d-node'), 0);
      } finally {
        await again.close();
      }
    } finally {
      tmp.remove();
      await schema.drop();
    }
  });

  it('When a device is registered through another sequencer, then the gateway node learns it from the shared log and lets it connect', async function () {
    this.timeout(60_000);
    const { schema, tmp, config } = await gatewayNode(url);
    const node = await startNode(config, systemClock);
    const store = await PgLedgerStore.open(schema.pool(2));
    const fast = new FastVerifier();
    const other = await CommitPipeline.open({ // another instance's sequencer on the same log
      store, clock: systemClock, signer: new LogSigner(config.origin, node.keys.log.seed), verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(),
    });
    try {
      const op: TestKey = { id: OPERATOR_ID, seed: node.keys.operator.seed, publicKey: node.keys.operator.publicKey, publicKeyB64: toBase64(node.keys.operator.publicKey) };
      const wh = testKey('wh-a');
      const dev = testKey('follow-dev-1');
      await assert.rejects(connectDevice(node.mqttPort, dev.id, Date.now()), 'an unknown device is refused at CONNACK');
      await other.submit(buildTx('party.register', { id: wh.id, role: 'warehouse', name: 'W', publicKey: wh.publicKeyB64 }, [op]));
      await other.submit(buildTx('device.register', { id: dev.id, warehouse: wh.id, site: 'site-1', kinds: ['load-cell'], publicKey: dev.publicKeyB64 }, [wh]));
      let connected = false;
      await eventually(async () => {
        connected = await connectDevice(node.mqttPort, dev.id, Date.now()).then(() => true, () => false);
        return connected;
      }, 10_000, 'the device registered elsewhere connects');
    } finally {
      await endAll();
      await other.close();
      await store.close();
      await node.close();
      tmp.remove();
      await schema.drop();
    }
  });
});

// The wiring in server/system.ts: with LH_DATABASE_URL a gateway node keeps telemetry in PostgreSQL (not in its
// local SQLite file), under an instance id that survives a restart (it names the node's MQTT session).
import assert from 'node:assert/strict';
import { PgTelemetryStore } from '../../iot-gateway/store/pg-telemetry-store.js';
import { systemClock } from '../../ledger/clock.js';
import { loadConfig } from '../../server/config.js';
import { startNode } from '../../server/system.js';
import { record } from '../iot-gateway/support/readings.js';
import { createTestSchema, describePg } from '../support/pg.js';
import { tempDir } from '../support/temp-dir.js';

describePg('A gateway node on PostgreSQL', (url) => {
  it('When LH_DATABASE_URL is set, then the gateway stores telemetry in PostgreSQL under an instance id that survives a restart', async function () {
    this.timeout(60_000);
    const schema = await createTestSchema(url);
    const tmp = tempDir();
    const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema.name}`)}`;
    const config = loadConfig({
      LH_ROLE: 'gateway', LH_MQTT_PORT: '0', LH_DATA_DIR: tmp.dir, LH_DEMO: 'false', LH_LOG_LEVEL: 'silent', LH_DATABASE_URL: databaseUrl,
    });
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
});

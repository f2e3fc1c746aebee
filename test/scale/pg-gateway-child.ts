// One gateway process for test/scale/pg-gateways.test.ts and bench/gateway-scale.ts: external-broker mode on the
// real Mosquitto (shared subscription), ledger and telemetry in the PostgreSQL schema the parent prepared. Prints
// JSON lines: {"ready": …} once subscribed, {"stats": …} every 200 ms, {"closed": …} after a graceful SIGTERM.
//
// Environment: LH_TEST_PG_URL, LH_SCHEMA, LH_TEST_MQTT_URL, LH_SHARE_GROUP, LH_INSTANCE, LH_BATCH_MS, LH_BATCH_MAX.
import { pino } from 'pino';
import { createGateway } from '../../iot-gateway/index.js';
import { PgTelemetryStore } from '../../iot-gateway/store/pg-telemetry-store.js';
import { systemClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { contractServices, GATEWAY_ID } from '../../server/system.js';
import { ORIGIN, testKey } from '../support/ledger-harness.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};
const say = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const instance = env('LH_INSTANCE');
const store = await PgLedgerStore.connect({ connectionString: env('LH_TEST_PG_URL'), schema: env('LH_SCHEMA'), max: 6, applicationName: `lh-${instance}` });
const telemetry = await PgTelemetryStore.open(store.pool, { instance, batcherRetryMs: 200 });
const fast = new FastVerifier();
const pipeline = await CommitPipeline.open({
  store, clock: systemClock, signer: new LogSigner(ORIGIN, testKey('log').seed), verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(),
});
const gw = await createGateway({
  telemetry, pipeline, store, gateway: { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed }, clock: systemClock,
  logger: pino({ level: 'error' }, pino.destination(2)),
  options: {
    mqttHost: '127.0.0.1', mqttPort: 0, mqttUrl: env('LH_TEST_MQTT_URL'), shareGroup: env('LH_SHARE_GROUP'), mqttSessionExpirySeconds: 120,
    batchMs: Number(env('LH_BATCH_MS')), batchMax: Number(env('LH_BATCH_MAX')),
  },
});
const report = async (): Promise<object> => ({ instance, batcher: await telemetry.isBatcher(), cpuMs: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000, ...gw.stats() });
say({ ready: await report() });
const timer = setInterval(() => void report().then((stats) => say({ stats })), 200);

process.once('SIGTERM', () => {
  clearInterval(timer);
  void (async () => {
    await gw.close();
    const closed = await report();
    await pipeline.close();
    await telemetry.close();
    await store.close();
    say({ closed });
    process.exit(0);
  })();
});

// The gateway's settings: TLS files, per-device rate limit, intake queue and time window — parsed and checked by
// server/config.ts, then wired through startNode into the gateway (a real node on LH_ROLE=gateway: embedded aedes
// over mqtts with a throwaway certificate made by openssl, real mqtt.js clients, SQLite on a temp dir).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { telemetryTopic } from '../../iot-gateway/broker/topics.js';
import { signReading } from '../../iot-gateway/formats/telemetry-signing.js';
import { systemClock } from '../../ledger/clock.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { gatewayOptions } from '../../server/gateway-options.js';
import { startNode, type Node } from '../../server/system.js';
import { connectDevice, endAll, publish } from '../iot-gateway/support/devices.js';
import { registerWarehouseDevice, testKey } from '../support/ledger-harness.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('lh-gwconf-');
const certFile = path.join(tmp.dir, 'cert.pem');
const keyFile = path.join(tmp.dir, 'key.pem');
let haveOpenssl = false;

before(function () {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile,
    '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore', timeout: 10_000 });
  haveOpenssl = r.status === 0;
});
after(() => tmp.remove());

/** Asserts that loading `env` fails with a ConfigError whose message contains every part. */
function refuses(env: Record<string, string>, ...parts: string[]): void {
  assert.throws(() => loadConfig(env), (e: unknown) => {
    assert.ok(e instanceof ConfigError, `a ConfigError, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' names ${p}`);
    return true;
  });
}

describe('Gateway settings (server/config.ts)', () => {
  it('When nothing is set, then the gateway gets the documented defaults and no TLS', () => {
    const c = loadConfig({});
    assert.equal(c.mqttTlsCert, undefined);
    assert.equal(c.mqttTlsKey, undefined);
    assert.deepEqual([c.deviceRate, c.deviceBurst, c.telemetryQueue], [50, 200, 20_000]);
    assert.deepEqual([c.telemetryMaxFutureMs, c.telemetryMaxAgeMs], [60_000, 86_400_000]);
  });

  it('When the intake settings are set, then gatewayOptions hands them to the gateway (queue, group commit delay, rate)', () => {
    const o = gatewayOptions(loadConfig({ LH_TELEMETRY_QUEUE: '1234', LH_GROUP_COMMIT_MS: '7', LH_DEVICE_RATE: '9', LH_DEVICE_BURST: '11' }));
    assert.deepEqual([o.maxQueue, o.groupDelayMs, o.rate], [1234, 7, { perSecond: 9, burst: 11 }]);
    assert.equal(gatewayOptions(loadConfig({})).groupDelayMs, 5);
  });

  it('When a limit is not a positive integer, then loading fails naming the variable and the value', () => {
    for (const name of ['LH_DEVICE_RATE', 'LH_DEVICE_BURST', 'LH_TELEMETRY_QUEUE', 'LH_TELEMETRY_MAX_FUTURE_MS', 'LH_TELEMETRY_MAX_AGE_MS']) {
      for (const value of ['0', '-5', '1.5', 'fast', '']) refuses({ [name]: value }, `${name}=${value}`, 'positive integer');
    }
  });

  it('When a TLS file is missing, then loading fails naming the variable, the file and the reason', () => {
    const missing = path.join(tmp.dir, 'nope.pem');
    refuses({ LH_MQTT_TLS_CERT: missing, LH_MQTT_TLS_KEY: keyFile }, `LH_MQTT_TLS_CERT=${missing}`, 'cannot read', 'ENOENT');
    refuses({ LH_MQTT_TLS_CERT: certFile, LH_MQTT_TLS_KEY: missing }, `LH_MQTT_TLS_KEY=${missing}`, 'ENOENT');
  });

  it('When a TLS file is a directory, then loading fails naming the variable', () => {
    refuses({ LH_MQTT_TLS_CERT: tmp.dir, LH_MQTT_TLS_KEY: keyFile }, `LH_MQTT_TLS_CERT=${tmp.dir}`, 'cannot read', 'EISDIR');
  });

  it('When a TLS file cannot be read by this user, then loading fails naming it', function () {
    if (process.getuid?.() === 0) {
      console.log('      SKIPPED: running as root, which reads files whatever their mode');
      this.skip();
    }
    const locked = path.join(tmp.dir, 'locked.pem');
    writeFileSync(locked, '-----BEGIN CERTIFICATE-----\n');
    chmodSync(locked, 0o000);
    refuses({ LH_MQTT_TLS_CERT: locked, LH_MQTT_TLS_KEY: keyFile }, `LH_MQTT_TLS_CERT=${locked}`, 'EACCES');
  });

  it('When a TLS file is not PEM, then loading fails saying so', () => {
    const junk = path.join(tmp.dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate');
    refuses({ LH_MQTT_TLS_CERT: junk, LH_MQTT_TLS_KEY: keyFile }, `LH_MQTT_TLS_CERT=${junk}`, 'not PEM');
  });

  it('When only one of certificate and key is set, then loading fails naming the missing one', function () {
    if (!haveOpenssl) this.skip();
    refuses({ LH_MQTT_TLS_CERT: certFile }, 'LH_MQTT_TLS_KEY', 'together');
    refuses({ LH_MQTT_TLS_KEY: keyFile }, 'LH_MQTT_TLS_CERT', 'together');
  });

  it('When TLS files are combined with an external broker, then loading fails pointing to mqtts:// URLs', function () {
    if (!haveOpenssl) this.skip();
    refuses({ LH_MQTT_TLS_CERT: certFile, LH_MQTT_TLS_KEY: keyFile, LH_MQTT_URL: 'mqtt://broker:1883' }, 'LH_MQTT_URL', 'mqtts://');
  });

  it('When both TLS files are readable PEM, then the config holds their absolute paths', function () {
    if (!haveOpenssl) this.skip();
    const c = loadConfig({ LH_MQTT_TLS_CERT: path.relative(process.cwd(), certFile), LH_MQTT_TLS_KEY: keyFile });
    assert.equal(c.mqttTlsCert, certFile);
    assert.equal(c.mqttTlsKey, keyFile);
  });
});

describe('Gateway settings wired into a running node (LH_ROLE=gateway, mqtts)', function () {
  this.timeout(30_000);
  const data = tempDir('lh-gwnode-');
  let node: Node | undefined;
  const device = 'scale-tls';
  const warehouse = 'wh-tls';

  before(async function () {
    if (!haveOpenssl) {
      console.log('      SKIPPED: openssl is needed to make a test certificate');
      this.skip();
    }
    node = await startNode(loadConfig({
      LH_DATA_DIR: data.dir, LH_ROLE: 'gateway', LH_MQTT_PORT: '0', LH_DEMO: 'false', LH_LOG_LEVEL: 'silent',
      LH_MQTT_TLS_CERT: certFile, LH_MQTT_TLS_KEY: keyFile, LH_DEVICE_RATE: '1', LH_DEVICE_BURST: '2', LH_TELEMETRY_MAX_AGE_MS: '600000',
    }), systemClock);
    await registerWarehouseDevice(node, warehouse, device);
  });
  after(async () => {
    await endAll();
    await node?.close();
    data.remove();
  });

  const reading = (seq: number, ms: number): string => JSON.stringify(signReading({ device, seq, ts: new Date(ms).toISOString(), kind: 'load-cell', values: { kg: 10 + seq } }, testKey(device).seed));

  it('When LH_MQTT_TLS_* are set, then devices connect over mqtts only, and LH_TELEMETRY_MAX_AGE_MS and LH_DEVICE_RATE/BURST apply', async () => {
    const port = node!.mqttPort;
    await assert.rejects(connectDevice(port, device, Date.now()), 'plain MQTT is not spoken on the TLS port');
    const c = await connectDevice(port, device, Date.now(), { protocol: 'mqtts', ca: readFileSync(certFile) });
    const topic = telemetryTopic(warehouse, device, 'telemetry');
    assert.equal(await publish(c, topic, reading(0, Date.now())), 'acked');
    assert.equal(await publish(c, topic, reading(1, Date.now() - 3_600_000)), 'acked', 'too old: acknowledged and dropped');
    const stats = node!.gateway!.stats();
    assert.equal(stats.stored, 1);
    assert.equal(stats.rejected.TIME_SKEW, 1, 'an hour old is beyond LH_TELEMETRY_MAX_AGE_MS=600000');
    assert.equal(await publish(c, topic, reading(2, Date.now())), 'closed', 'a third message at once exceeds the burst of 2: no PUBACK');
    assert.equal(node!.gateway!.stats().rejected.RATE_LIMITED, 1);
  });
});

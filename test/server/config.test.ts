import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, SETTINGS, loadConfig } from '../../server/config.js';
import { streamOptions } from '../../server/stream/stream-settings.js';
import { webhookOptions } from '../../server/webhooks/webhook-settings.js';

describe('Configuration', () => {
  it('When nothing is set, then every setting has its documented default and the object is frozen', () => {
    const c = loadConfig({});
    assert.equal(c.httpPort, 8080);
    assert.equal(c.mqttPort, 1883);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.demo, true);
    assert.equal(c.role, 'all');
    assert.equal(c.webhookLeaseMs, 15_000);
    assert.ok(Object.isFrozen(c));
  });

  it('When a variable is malformed, then loading fails naming the variable', () => {
    const bad: Record<string, string> = {
      LH_HTTP_PORT: '70000', LH_MQTT_PORT: 'x', LH_DEMO: 'maybe', LH_ORIGIN: 'has space', LH_LOG_LEVEL: 'loud',
      LH_DATABASE_URL: 'mysql://x', LH_MQTT_URL: 'http://x', LH_BATCH_MS: '0', LH_ROLE: 'web', LH_WEBHOOK_LEASE_MS: '0',
      LH_MQTT_SESSIONS: '0',
    };
    for (const [name, value] of Object.entries(bad)) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${name}=`) || (e as Error).message.includes(name), name);
    }
    assert.throws(() => loadConfig({ LH_MQTT_SESSIONS: '257' }), /LH_MQTT_SESSIONS=257: expected at most 256/);
    assert.equal(loadConfig({ LH_MQTT_SESSIONS: '3' }).mqttSessions, 3);
  });

  it('When LH_GROUP_COMMIT_MS is set, then the telemetry store waits that long for a group (default 5); above 1000 or not a number it fails naming the variable', () => {
    assert.equal(loadConfig({}).groupCommitMs, 5);
    assert.equal(loadConfig({ LH_GROUP_COMMIT_MS: '0' }).groupCommitMs, 0);
    assert.equal(loadConfig({ LH_GROUP_COMMIT_MS: '1000' }).groupCommitMs, 1000);
    for (const bad of ['1001', '-1', '2.5', 'soon']) {
      assert.throws(() => loadConfig({ LH_GROUP_COMMIT_MS: bad }), (e: unknown) => e instanceof ConfigError && /LH_GROUP_COMMIT_MS/.test(e.message), bad);
    }
  });

  it('When LH_WORKER_NICE is set, then worker threads get that nice value (default 10); outside 0..19 it fails naming the variable', () => {
    assert.equal(loadConfig({}).workerNice, 10);
    assert.equal(loadConfig({ LH_WORKER_NICE: '0' }).workerNice, 0);
    assert.equal(loadConfig({ LH_WORKER_NICE: '19' }).workerNice, 19);
    for (const bad of ['20', '-1', '1.5', 'low', '']) {
      assert.throws(() => loadConfig({ LH_WORKER_NICE: bad }), (e: unknown) => e instanceof ConfigError && /LH_WORKER_NICE/.test(e.message), bad);
    }
  });

  it('When the settings table is read, then every entry has a variable, a default and a doc line', () => {
    for (const s of Object.values(SETTINGS)) {
      assert.match(s.env, /^LH_[A-Z_]+$/);
      assert.equal(typeof s.default, 'string');
      assert.ok(s.doc.length > 10);
    }
  });
});

describe('Configuration: stream and webhook limits', () => {
  it('When nothing is set, then the limits have their defaults and webhooks require https to public addresses', () => {
    const c = loadConfig({});
    assert.deepEqual(
      [c.streamHeartbeatMs, c.streamMaxClients, c.streamMaxMessageBytes, c.streamMaxBufferedBytes, c.streamMaxQueued, c.streamMaxStallMs],
      [30_000, 10_000, 4096, 1_048_576, 10_000, 30_000],
    );
    assert.deepEqual([c.webhookTimeoutMs, c.webhookMaxAttempts, c.webhookRetryBaseMs, c.webhookRetryMaxMs, c.webhookMaxPerParty], [10_000, 10, 1_000, 300_000, 20]);
    assert.equal(c.webhookAllowHttp, false);
    assert.deepEqual(c.webhookAllowHosts, []);
  });

  it('When the limits are set, then they are parsed, and the allowlist is split on commas', () => {
    const c = loadConfig({ LH_STREAM_MAX_CLIENTS: '50', LH_WEBHOOK_ALLOW_HTTP: 'yes', LH_WEBHOOK_ALLOW_HOSTS: ' hooks.internal, 10.20.0.0/16,::1 ', LH_WEBHOOK_MAX_ATTEMPTS: '3' });
    assert.equal(c.streamMaxClients, 50);
    assert.equal(c.webhookAllowHttp, true);
    assert.deepEqual(c.webhookAllowHosts, ['hooks.internal', '10.20.0.0/16', '::1']);
    assert.equal(c.webhookMaxAttempts, 3);
  });

  it('When a limit is malformed, then loading fails naming the variable', () => {
    const bad: Record<string, string> = {
      LH_STREAM_HEARTBEAT_MS: '0', LH_STREAM_MAX_CLIENTS: '-1', LH_STREAM_MAX_MESSAGE_BYTES: '4k', LH_STREAM_MAX_BUFFERED_BYTES: '',
      LH_STREAM_MAX_QUEUED: '1.5', LH_STREAM_MAX_STALL_MS: 'x', LH_WEBHOOK_TIMEOUT_MS: '0', LH_WEBHOOK_MAX_ATTEMPTS: 'ten',
      LH_WEBHOOK_MAX_PER_PARTY: '0', LH_WEBHOOK_ALLOW_HTTP: 'sometimes', LH_WEBHOOK_ALLOW_HOSTS: 'bad host!,10.0.0.0/99',
    };
    for (const [name, value] of Object.entries(bad)) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(name), name);
    }
    assert.throws(() => loadConfig({ LH_WEBHOOK_ALLOW_HOSTS: 'ok.example,10.0.0.0/99' }), /LH_WEBHOOK_ALLOW_HOSTS: '10\.0\.0\.0\/99'/);
    assert.throws(() => loadConfig({ LH_WEBHOOK_RETRY_BASE_MS: '5000', LH_WEBHOOK_RETRY_MAX_MS: '1000' }), /LH_WEBHOOK_RETRY_BASE_MS: must not exceed LH_WEBHOOK_RETRY_MAX_MS/);
  });

  it('When the limits reach the stream and webhooks, then they are the configured ones', () => {
    const c = loadConfig({ LH_STREAM_MAX_BUFFERED_BYTES: '65536', LH_WEBHOOK_TIMEOUT_MS: '2500', LH_WEBHOOK_MAX_ATTEMPTS: '4', LH_WEBHOOK_MAX_PER_PARTY: '3' });
    const s = streamOptions(c);
    assert.equal(s.maxBufferedBytes, 65_536);
    assert.equal(s.highWaterBytes, 16_384); // a quarter of the close mark
    assert.equal(streamOptions(loadConfig({})).highWaterBytes, 256 * 1024);
    const w = webhookOptions(c);
    assert.deepEqual([w.timeoutMs, w.retry, w.maxPerParty], [2_500, { maxAttempts: 4, baseMs: 1_000, maxMs: 300_000 }, 3]);
  });
});

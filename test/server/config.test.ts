import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, SETTINGS, loadConfig } from '../../server/config.js';

describe('Configuration', () => {
  it('When nothing is set, then every setting has its documented default and the object is frozen', () => {
    const c = loadConfig({});
    assert.equal(c.httpPort, 8080);
    assert.equal(c.mqttPort, 1883);
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.demo, true);
    assert.ok(Object.isFrozen(c));
  });

  it('When a variable is malformed, then loading fails naming the variable', () => {
    const bad: Record<string, string> = {
      LH_HTTP_PORT: '70000', LH_MQTT_PORT: 'x', LH_DEMO: 'maybe', LH_ORIGIN: 'has space', LH_LOG_LEVEL: 'loud',
      LH_DATABASE_URL: 'mysql://x', LH_MQTT_URL: 'http://x', LH_BATCH_MS: '0',
    };
    for (const [name, value] of Object.entries(bad)) {
      assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${name}=`) || (e as Error).message.includes(name), name);
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

import assert from 'node:assert/strict';
import { once } from 'node:events';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runCli, spawnCli, waitForOutput } from '../support/cli.js';
import { tempDir } from '../support/temp-dir.js';

describe('ledgerhouse start / verify-ledger (real processes)', function () {
  this.timeout(120_000);
  const tmp = tempDir();
  const env = { LH_DATA_DIR: tmp.dir, LH_HTTP_PORT: '0', LH_MQTT_PORT: '0', LH_DEMO: 'false' };
  after(() => tmp.remove());

  it('When the system starts on a fresh data directory, then it prints its URLs, serves them, and stops cleanly on Ctrl-C', async () => {
    const child = spawnCli(['start'], env);
    const out = await waitForOutput(child, /Press Ctrl-C to stop/);
    const url = /API\s+(http:\/\/\S+)\/v1\/health/.exec(out)?.[1];
    assert.ok(url, out);
    const health = (await (await fetch(`${url}/v1/health`)).json()) as { status: string; size: number };
    assert.equal(health.status, 'ok');
    assert.ok(health.size >= 1);
    assert.match(await (await fetch(`${url}/v1/ledger/checkpoint`)).text(), /^ledgerhouse\.local\/log\n\d+\n/);
    let rest = '';
    child.stdout!.on('data', (d: Buffer) => (rest += d.toString()));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    assert.match(rest, /stopped cleanly/);
  });

  it('When verify-ledger runs on that data directory, then it passes and exits 0', async () => {
    const r = await runCli(['verify-ledger', '--data-dir', tmp.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ledger OK: \d+ entries/);
  });

  it('When an entry is edited in the SQLite file, then verify-ledger names it and exits 2 without a stack trace', async () => {
    const db = new Database(path.join(tmp.dir, 'ledgerhouse.db'));
    const row = db.prepare('SELECT idx, leaf FROM entries ORDER BY idx DESC LIMIT 1').get() as { idx: number; leaf: Buffer };
    db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(Buffer.from(row.leaf.toString().replace('Telemetry gateway', 'Telemetry gatewaX')), row.idx);
    db.close();
    const r = await runCli(['verify-ledger', '--data-dir', tmp.dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`FAILED \\(entry ${row.idx}\\)`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('When the HTTP port is taken, then start says so and how to choose another', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['start'], { ...env, LH_HTTP_PORT: String(port) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} is already in use`));
      assert.match(r.stderr, /LH_HTTP_PORT/);
    } finally {
      blocker.close();
    }
  });

  it('When the MQTT port is taken (e.g. by Mosquitto), then start says so and how to choose another', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['start'], { ...env, LH_MQTT_PORT: String(port) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`MQTT port ${port}.*already in use`));
      assert.match(r.stderr, /LH_MQTT_PORT/);
    } finally {
      blocker.close();
    }
  });

  it('When a setting is invalid, then start names the variable and exits non-zero', async () => {
    const r = await runCli(['start'], { ...env, LH_HTTP_PORT: 'eighty' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /LH_HTTP_PORT=eighty/);
  });
});

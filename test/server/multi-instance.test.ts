// Stateless API instances on one PostgreSQL (LH_ROLE=api, in-process, each with its own data directory, pool,
// follower and HTTP server on port 0): a WebSocket client on one instance sees every commit once, in order, whether
// it was submitted through another instance or by a bare sequencer, and resumes with `since`; a webhook is delivered
// exactly once while two instances run, and taken over when the instance holding it stops.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed } from '../../ledger/crypto/ed25519.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import type { SignedTx } from '../../contracts/types.js';
import { hashToken, newToken } from '../../server/auth/token-store.js';
import { loadConfig } from '../../server/config.js';
import { contractServices, OPERATOR_ID, startNode, type Node } from '../../server/system.js';
import { buildTx, testKey, type TestKey } from '../support/ledger-harness.js';
import { createTestSchema, describePg, type TestSchema } from '../support/pg.js';
import { tempDir } from '../support/temp-dir.js';
import { StreamClient, waitUntil } from './stream/stream-harness.js';
import { Receiver } from './webhooks/webhook-harness.js';

const LEASE_MS = 600;

function schemaUrl(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

describePg('Stateless API instances on one PostgreSQL', (url) => {
  let schema: TestSchema;
  const dirs: { dir: string; remove(): void }[] = [];
  const nodes: Node[] = [];
  let operator: TestKey;
  let token: string;

  async function startApi(): Promise<Node> {
    const tmp = tempDir();
    if (dirs.length > 0) cpSync(path.join(dirs[0]!.dir, 'keys'), path.join(tmp.dir, 'keys'), { recursive: true }); // one log key
    dirs.push(tmp);
    const config = loadConfig({
      LH_ROLE: 'api', LH_HTTP_PORT: '0', LH_DATA_DIR: tmp.dir, LH_DEMO: 'false', LH_LOG_LEVEL: 'silent',
      LH_DATABASE_URL: schemaUrl(url, schema.name), LH_WEBHOOK_LEASE_MS: String(LEASE_MS),
      LH_WEBHOOK_ALLOW_HTTP: 'true', LH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    });
    const node = await startNode(config, systemClock);
    nodes.push(node);
    return node;
  }

  async function stop(node: Node): Promise<void> {
    nodes.splice(nodes.indexOf(node), 1);
    await node.close();
  }

  const register = (i: number): SignedTx =>
    buildTx('party.register', { id: `holder-${i}`, role: 'holder', name: `H${i}`, publicKey: testKey(`holder-${i}`).publicKeyB64 }, [operator]);

  async function submitHttp(node: Node, signed: SignedTx): Promise<number> {
    const res = await fetch(`${node.httpUrl}/v1/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { index: number }).index;
  }

  const registerWebhook = (node: Node, target: string): Promise<Response> =>
    fetch(`${node.httpUrl}/v1/webhooks`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: target, channels: ['ledger'] }),
    });

  async function stream(node: Node, since?: number): Promise<StreamClient> {
    const client = await StreamClient.open(`${node.httpUrl!.replace('http', 'ws')}/v1/stream?token=${token}`);
    client.subscribe(['ledger'], since);
    await client.waitFor((m) => m.type === 'caught-up');
    return client;
  }

  beforeEach(async () => {
    schema = await createTestSchema(url);
  });

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
    await schema.drop();
    for (const d of dirs.splice(0)) d.remove();
  });

  async function twoInstances(): Promise<[Node, Node]> {
    const one = await startApi();
    const two = await startApi();
    assert.equal(one.gateway, undefined, 'an api instance runs no gateway');
    assert.equal(one.mqttPort, 0);
    operator = { id: OPERATOR_ID, seed: one.keys.operator.seed, publicKey: publicKeyFromSeed(one.keys.operator.seed), publicKeyB64: toBase64(publicKeyFromSeed(one.keys.operator.seed)) };
    const t = newToken();
    await one.tokens.insert({ id: t.id, party: OPERATOR_ID, createdAt: new Date().toISOString(), expiresAt: '2999-01-01T00:00:00.000Z', revokedAt: undefined }, hashToken(t.token));
    token = t.token;
    return [one, two];
  }

  it('When commits arrive through instance 1 and a third sequencer, then a client on instance 2 sees each once, in order, and resumes with since', async () => {
    const [one, two] = await twoInstances();
    const client = await stream(two);

    // A third sequencer: a bare pipeline on its own pool, same log key.
    const store = await PgLedgerStore.open(schema.pool(2));
    const fast = new FastVerifier();
    const third = await CommitPipeline.open({
      store, clock: systemClock, signer: new LogSigner(one.config.origin, one.keys.log.seed),
      verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(),
    });
    try {
      const indices: number[] = [];
      const submissions = Array.from({ length: 12 }, (_, i) => register(i));
      await Promise.all(submissions.map(async (signed, i) => {
        indices.push(i % 2 === 0 ? await submitHttp(one, signed) : (await third.submit(signed)).index);
      }));
      const expected = [...new Set(indices)].sort((a, b) => a - b);
      assert.equal(expected.length, 12);
      await waitUntil(() => client.events().length >= 12, 10_000, 'the client on instance 2 to see 12 events');
      await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive now
      const seen = client.events().map((e) => e.index);
      assert.deepEqual(seen, expected, 'each commit once, in log order');
      const checkpoints = client.messages.filter((m) => m.type === 'checkpoint').map((m) => (m as { size: number }).size);
      assert.deepEqual(checkpoints, [...checkpoints].sort((a, b) => a - b), 'checkpoints only grow');
      assert.equal(checkpoints.at(-1), expected.at(-1)! + 1);

      // Resume on the other instance from the middle.
      const resumed = await stream(one, expected[6]);
      assert.deepEqual(resumed.events().map((e) => e.index), expected.slice(6));
      resumed.ws.close();
    } finally {
      client.ws.close();
      await third.close();
      await store.close();
    }
  });

  it('When two instances run, then a webhook is delivered once per event, and taken over when its holder stops', async () => {
    const [one, two] = await twoInstances();
    const receiver = await new Receiver().start();
    try {
      const res = await registerWebhook(one, receiver.url);
      assert.equal(res.status, 201, await res.clone().text());
      const first = await Promise.all([0, 1, 2].map((i) => submitHttp(i % 2 === 0 ? one : two, register(i))));
      await waitUntil(() => receiver.delivered.length >= 3, 10_000, 'three deliveries');
      await new Promise((r) => setTimeout(r, 2 * LEASE_MS)); // a second instance delivering too would show now
      assert.deepEqual(receiver.delivered.map((r) => r.json.index), [...first].sort((a, b) => a - b), 'each event once, in order');

      await stop(one); // the holder (it registered the webhook) stops: instance 2 takes over
      const later = await submitHttp(two, register(3));
      await waitUntil(() => receiver.delivered.length >= 4, 10_000, 'delivery after the takeover');
      await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
      assert.deepEqual(receiver.delivered.map((r) => r.json.index), [...first.sort((a, b) => a - b), later]);
    } finally {
      await receiver.close();
    }
  });

  it('When the instance holding a webhook dies without releasing it, then another takes it over after the lease expires', async () => {
    const [one, two] = await twoInstances();
    const receiver = await new Receiver().start();
    try {
      const res = await registerWebhook(one, receiver.url);
      assert.equal(res.status, 201);
      await submitHttp(one, register(0));
      await waitUntil(() => receiver.delivered.length >= 1, 10_000, 'the first delivery');
      // "Dies": its database connections go away at once, so it can neither renew nor release its leases.
      nodes.splice(nodes.indexOf(one), 1);
      await (one.store as PgLedgerStore).pool.end();
      const started = Date.now();
      const index = await submitHttp(two, register(1));
      await waitUntil(() => receiver.delivered.some((r) => r.json.index === index), 10_000, 'delivery by the surviving instance');
      assert.ok(Date.now() - started >= LEASE_MS / 2, 'not before the dead instance\'s lease ran out');
      assert.equal(receiver.delivered.filter((r) => r.json.index === index).length, 1);
    } finally {
      await one.close().catch(() => {}); // its pool is gone: closing reports that, which is expected here
      await receiver.close();
    }
  });
});

describe('LH_ROLE=gateway', () => {
  it('When a node starts as a gateway, then it runs the MQTT intake and no HTTP server', async () => {
    const tmp = tempDir();
    try {
      const config = loadConfig({ LH_ROLE: 'gateway', LH_MQTT_PORT: '0', LH_DATA_DIR: tmp.dir, LH_DEMO: 'false', LH_LOG_LEVEL: 'silent' });
      const node = await startNode(config, systemClock);
      try {
        assert.equal(node.httpUrl, undefined);
        assert.ok(node.gateway !== undefined && node.mqttPort > 0);
      } finally {
        await node.close();
      }
    } finally {
      tmp.remove();
    }
  });
});

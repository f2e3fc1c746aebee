import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createGateway, type Gateway } from '../../../iot-gateway/index.js';
import { signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import { verifyReadingProof, type ReadingProof } from '../../../iot-gateway/verify-reading-proof.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { AccessControl } from '../../../server/access/access-control.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import { createApp } from '../../../server/http/app.js';
import { telemetryRoutes } from '../../../server/http/telemetry-routes.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { ORIGIN, testKey } from '../../support/ledger-harness.js';
import { connectDevice, endAll, publish, topicOf } from '../../iot-gateway/support/devices.js';
import { openWorld, type World } from '../../iot-gateway/support/world.js';

describe('Collateral, telemetry and evidence endpoints (real gateway, real MQTT)', function () {
  this.timeout(60_000);
  let w: World;
  let gw: Gateway;
  let server: Server;
  let url: string;
  let pledge: string;
  const tokens: Record<string, string> = {};
  const clip = Buffer.from('…pretend this is an MP4 segment from cam-1…'.repeat(1000));

  before(async () => {
    w = await openWorld('sqlite');
    await w.h.register('bank-b', 'bank');
    await w.registerDevice('scale-1', ['load-cell'], { lot: 'LOT-1' });
    await w.registerDevice('cam-1', ['camera'], { lot: 'LOT-1' });
    const receipt = await w.issue('LOT-1', '1000.000', 'kg');
    pledge = await w.pledge(receipt, { quantityFloor: '900.000' });
    const db = (w.h.store as SqliteLedgerStore).db;
    gw = await createGateway({
      db, pipeline: w.h.pipeline, store: w.h.store, gateway: { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed }, clock: w.h.clock,
      logger: pino({ level: 'silent' }), options: { mqttHost: '127.0.0.1', mqttPort: 0, batchMs: 100_000, batchMax: 1000 },
    });
    const tokenStore = new SqliteTokenStore(db);
    for (const party of ['bank-a', 'bank-b', 'wh-a']) {
      const t = newToken();
      await tokenStore.insert({ id: t.id, party, createdAt: new Date(0).toISOString(), expiresAt: '2099-01-01T00:00:00.000Z', revokedAt: undefined }, hashToken(t.token));
      tokens[party] = t.token;
    }
    const app = createApp({
      store: w.h.store, reader: new LogReader(w.h.store), pipeline: w.h.pipeline, tokens: tokenStore, clock: w.h.clock,
      verifierKey: w.h.signer.verifierKey, origin: ORIGIN, logger: pino({ level: 'silent' }),
      extraRoutes: telemetryRoutes({ store: w.h.store, telemetry: gw.telemetry, access: new AccessControl(w.h.store), clock: w.h.clock }),
    });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const now = w.h.clock.now();
    const ts = new Date(now).toISOString();
    const scale = await connectDevice(gw.mqttPort, 'scale-1', now);
    assert.equal(await publish(scale, topicOf('scale-1'), JSON.stringify(signReading({ device: 'scale-1', seq: 0, ts, kind: 'load-cell', values: { kg: 950 } }, testKey('scale-1').seed))), 'acked');
    const cam = await connectDevice(gw.mqttPort, 'cam-1', now);
    const segment = { sha256: createHash('sha256').update(clip).digest('hex'), durationMs: 10_000, start: ts };
    assert.equal(await publish(cam, topicOf('cam-1', 'camera'), JSON.stringify(signReading({ device: 'cam-1', seq: 0, ts, kind: 'camera', segment }, testKey('cam-1').seed))), 'acked');
    await gw.flush();
  });
  after(async () => {
    await endAll();
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    await gw.close();
    await w.h.close();
  });
  const get = async (path: string, as: string) => {
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${tokens[as]}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("When the bank opens its collateral, then it sees covenants, each device's latest reading, the last anchor and weight coverage", async () => {
    const r = await get(`/v1/pledges/${pledge}/collateral`, 'bank-a');
    assert.equal(r.status, 200);
    const devices = r.body['devices'] as { id: string; status: string; lastReading: { kind: string } | null }[];
    assert.deepEqual(devices.map((d) => d.id).sort(), ['cam-1', 'scale-1']);
    assert.ok(devices.every((d) => d.lastReading !== null && d.status === 'online'));
    assert.deepEqual(r.body['coverage'], { measuredKg: 950, pledgedKg: 1000, ratio: 0.95, measured: '950', pledged: '1000', unit: 'kg' });
    assert.ok(r.body['lastAnchor'] !== null);
    assert.deepEqual((r.body['covenants'] as { covenant: string }[]).map((c) => c.covenant), ['quantityFloor']);
    assert.equal((await get(`/v1/pledges/${pledge}/collateral`, 'bank-b')).status, 404);
  });

  it("When the lot's devices change after a collateral answer, then the next answer shows them; another warehouse's lot of the same name stays out", async () => {
    const devicesOf = async () => ((await get(`/v1/pledges/${pledge}/collateral`, 'bank-a')).body['devices'] as { id: string; registration: string; status: string; lastReading: unknown }[]);
    assert.deepEqual((await devicesOf()).map((d) => d.id).sort(), ['cam-1', 'scale-1']); // answered (and kept) before the change
    const otherWarehouse = await w.h.register('wh-b', 'warehouse');
    await w.h.submit('device.register', { id: 'scale-other', warehouse: 'wh-b', site: 'site-1', kinds: ['load-cell'], publicKey: testKey('scale-other').publicKeyB64, lot: 'LOT-1' }, [otherWarehouse]);
    await w.registerDevice('scale-2', ['load-cell'], { lot: 'LOT-1' });
    const added = await devicesOf();
    assert.deepEqual(added.map((d) => d.id).sort(), ['cam-1', 'scale-1', 'scale-2']);
    assert.deepEqual(added.find((d) => d.id === 'scale-2'), { id: 'scale-2', kinds: ['load-cell'], registration: 'active', status: 'silent', lastReading: null });
    await w.revokeDevice('scale-2');
    assert.equal((await devicesOf()).find((d) => d.id === 'scale-2')?.status, 'revoked');
    assert.equal((await get(`/v1/pledges/${pledge}/collateral`, 'bank-b')).status, 404);
    assert.equal((await get('/v1/pledges/pl-999999999999/collateral', 'bank-a')).status, 404);
  });

  it('When readings are listed and proven, then the two-level proof verifies; another bank cannot see the device', async () => {
    const page = await get('/v1/telemetry?device=scale-1', 'bank-a');
    const readings = page.body['readings'] as { id: number }[];
    assert.equal(readings.length, 1);
    const proof = await get(`/v1/telemetry/readings/${readings[0]!.id}/proof`, 'bank-a');
    assert.equal(proof.status, 200);
    assert.deepEqual(verifyReadingProof(proof.body as unknown as ReadingProof, { logKey: w.h.signer.verifierKey }), { ok: true });
    assert.equal((await get('/v1/telemetry?device=scale-1', 'bank-b')).status, 404);
    assert.equal((await get('/v1/telemetry?device=scale-1&from=yesterday', 'bank-a')).body['code'], 'QUERY_INVALID');
  });

  it('When a clip is uploaded, then its anchored hash is found with a proof; a different clip or another bank finds nothing', async () => {
    const post = async (body: Buffer, as: string) =>
      (await (await fetch(`${url}/v1/evidence/verify`, { method: 'POST', headers: { authorization: `Bearer ${tokens[as]}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) })).json()) as {
        anchored: boolean; matches: { device: string; proof: ReadingProof | null }[];
      };
    const found = await post(clip, 'bank-a');
    assert.equal(found.anchored, true);
    assert.equal(found.matches[0]!.device, 'cam-1');
    assert.deepEqual(verifyReadingProof(found.matches[0]!.proof!, { logKey: w.h.signer.verifierKey }), { ok: true });
    const edited = Buffer.from(clip);
    edited[100] = edited[100]! ^ 1;
    assert.deepEqual((await post(edited, 'bank-a')).matches, []);
    assert.deepEqual((await post(clip, 'bank-b')).matches, []);
  });
});

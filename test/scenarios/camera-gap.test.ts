// Scenario 6: the camera goes dark. See docs/scenarios.md.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Alert } from '../../contracts/index.js';
import { verifyReadingProof, type ReadingProof } from '../../iot-gateway/index.js';
import type { TestKey } from '../support/ledger-harness.js';
import { BankStream } from './support/bank-feeds.js';
import { registerDevice, type Device } from './support/devices.js';
import { depositAndIssue, lotOf, pledge } from './support/goods.js';
import { eventually, nowIso, startWorld, type World } from './support/world.js';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const clip = (n: number): Buffer => Buffer.from(`mp4 bytes of segment ${n} of bay B1`);

interface CameraReading { readonly id: number; readonly segment: { sha256: string; uri?: string } }

describe('Scenario: the warehouse camera goes dark', function () {
  this.timeout(60_000);
  let w: World;
  let bankToken: string;
  let stream: BankStream;
  let cam: Device;
  let receipt: string;

  before(async () => {
    w = await startWorld();
    const [warehouse, borrower, bank] = await Promise.all([w.party('wh-cam', 'warehouse'), w.party('borrower-cam', 'holder'), w.party('bank-cam', 'bank')]) as [TestKey, TestKey, TestKey];
    bankToken = await w.token(bank.id);
    const l = lotOf('lot-cam');
    receipt = await depositAndIssue(w, warehouse, borrower, l);
    cam = await registerDevice(w, warehouse, 'cam-bay-b1', ['camera'], l.site, l.lot);
    await pledge(w, receipt, borrower, bank, { cameraHeartbeat: { maxGapSeconds: 2 } });
    stream = await BankStream.open(w.url, bankToken, ['alerts']);
    await cam.connect(w.system.mqttPort);
  });
  after(async () => {
    await Promise.all([cam.end(), stream?.close()]);
    await w.close();
  });

  it('When the camera\'s segment hashes stop arriving for longer than maxGapSeconds, then the bank gets a cameraHeartbeat alert', async () => {
    for (let n = 0; n < 3; n++) {
      const segment = { sha256: sha256(clip(n)), durationMs: 500, start: nowIso(), uri: `s3://wh-cam/cam-bay-b1/${n}.mp4` };
      assert.equal(await cam.send('camera', { segment }), 'acked');
      await new Promise((r) => setTimeout(r, 500));
    }
    const quietSince = Date.now();
    const pushed = await stream.waitFor((m) => m.type === 'event' && m.event?.type === 'alert.raised', 6000);
    assert.ok(pushed.at - quietSince >= 1500, `alerted ${pushed.at - quietSince} ms into the gap: too early`);
    const alerts = (await w.get<{ items: Alert[] }>('/v1/alerts', bankToken)).body.items;
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.covenant, 'cameraHeartbeat');
    assert.deepEqual(alerts[0]!.devices, ['cam-bay-b1']);
  });

  it('When the warehouse later produces a clip, then the bank checks its hash against the anchored segment hashes: the genuine clip verifies with a proof to the signed log, a doctored one matches nothing', async () => {
    // The bank uploads the clip: POST /v1/evidence/verify hashes it and finds the anchored segment with its proof.
    const logKeyText = ((await w.get('/v1/ledger/key')).body as unknown as string).trim();
    const upload = async (bytes: Buffer) => {
      const res = await eventually(async () => {
        const r = await fetch(`${w.url}/v1/evidence/verify`, { method: 'POST', headers: { authorization: `Bearer ${bankToken}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
        const body = (await r.json()) as { anchored: boolean; matches: { device: string; proof: ReadingProof | null }[] };
        return body.matches.length === 0 || body.anchored ? body : undefined;
      }, 5000, 'the segment to be anchored');
      return res;
    };
    const verdict = await upload(clip(1));
    assert.equal(verdict.anchored, true);
    assert.equal(verdict.matches[0]!.device, 'cam-bay-b1');
    assert.deepEqual(verifyReadingProof(verdict.matches[0]!.proof!, { logKey: logKeyText }), { ok: true });
    assert.deepEqual((await upload(Buffer.concat([clip(1), Buffer.from('x')]))).matches, []);
    // The same check by hand: look the hash up in the camera's telemetry and fetch the reading's two-level proof.
    const readings = (await w.get<{ readings: CameraReading[] }>('/v1/telemetry?device=cam-bay-b1', bankToken)).body.readings;
    assert.equal(readings.length, 3);
    const genuine = readings.find((r) => r.segment.sha256 === sha256(clip(1)));
    assert.ok(genuine, 'the genuine clip is anchored');
    const doctored = Buffer.concat([clip(1), Buffer.from(' (re-encoded, frames removed)')]);
    assert.equal(readings.find((r) => r.segment.sha256 === sha256(doctored)), undefined);

    const logKey = ((await w.get('/v1/ledger/key')).body as unknown as string).trim();
    const proof = await eventually(async () => {
      const a = await w.get<ReadingProof>(`/v1/telemetry/readings/${genuine.id}/proof`, bankToken);
      return a.status === 200 ? a.body : undefined;
    }, 5000, 'the segment to be anchored');
    assert.deepEqual(verifyReadingProof(proof, { logKey }), { ok: true });
    assert.equal((proof.reading.record as unknown as CameraReading).segment.sha256, sha256(clip(1)));
    // Passing the doctored hash off as the anchored one breaks the proof.
    const swapped = { ...proof, reading: { ...proof.reading, record: { ...proof.reading.record, segment: { ...(proof.reading.record as unknown as CameraReading).segment, sha256: sha256(doctored) } } } } as unknown as ReadingProof;
    assert.equal(verifyReadingProof(swapped, { logKey }).ok, false);
  });
});

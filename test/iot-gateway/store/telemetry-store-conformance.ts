// One conformance suite for every TelemetryStore adapter (memory, SQLite with and without its writer thread,
// PostgreSQL): an adapter is conformant when all of these pass against it unchanged.
import assert from 'node:assert/strict';
import type { BatchRecord, TelemetryStore } from '../../../iot-gateway/store/telemetry-store.js';
import { BatchConflict } from '../../../iot-gateway/store/telemetry-store.js';
import { batchRoot, readingLeafHash } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { iso, record, T0 } from '../support/readings.js';

export interface TelemetryStoreHarness {
  readonly store: TelemetryStore;
  /** Close and reopen the same storage (durable adapters only). */
  reopen?(): Promise<TelemetryStore>;
  cleanup(): Promise<void>;
}

function batchOver(id: string, firstId: number, lastId: number): BatchRecord {
  return {
    id, firstId, lastId, count: lastId - firstId + 1, root: 'ab'.repeat(32), firstReadingAt: iso(T0), lastReadingAt: iso(T0),
    devices: ['d-1'], anchorTx: { tx: { v: 1, type: 'telemetry.anchor', nonce: id, ts: iso(T0), body: {} }, sigs: [] }, createdAt: iso(T0),
  };
}

export function telemetryStoreConformance(adapter: string, open: () => Promise<TelemetryStoreHarness>): void {
  describe(`TelemetryStore conformance: ${adapter}`, () => {
    let h: TelemetryStoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('When readings are appended, then each gets a dense id and is readable by id as stored', async () => {
      const rs = [record('d-1', 0), record('d-1', 1), record('d-2', 0)];
      const out = await h.store.append(rs);
      assert.deepEqual(out, [{ status: 'stored', id: 1 }, { status: 'stored', id: 2 }, { status: 'stored', id: 3 }]);
      assert.deepEqual(await h.store.reading(2), { id: 2, record: rs[1] });
      assert.equal(await h.store.reading(99), undefined);
    });

    it('When a clip hash is looked up, then exactly the camera readings that anchored it come back', async () => {
      const camera = (seq: number, sha: string) => {
        const { values: _values, ...rest } = record('cam-1', seq) as unknown as Record<string, unknown>;
        return { ...rest, kind: 'camera', segment: { sha256: sha, durationMs: 10_000, start: iso(T0) } } as unknown as ReturnType<typeof record>;
      };
      await h.store.append([camera(0, 'aa'.repeat(32)), camera(1, 'bb'.repeat(32)), record('d-1', 0)]);
      assert.deepEqual((await h.store.segments('bb'.repeat(32))).map((r) => r.id), [2]);
      assert.deepEqual(await h.store.segments('cc'.repeat(32)), []);
    });

    it('When the same (device, seq) comes again, also within one call, then it is a duplicate naming the stored id', async () => {
      await h.store.append([record('d-1', 0)]);
      const out = await h.store.append([record('d-1', 0, { receivedAt: iso(T0 + 9) }), record('d-1', 1), record('d-1', 1)]);
      assert.deepEqual(out, [{ status: 'duplicate', id: 1 }, { status: 'stored', id: 2 }, { status: 'duplicate', id: 2 }]);
      assert.equal((await h.store.reading(1))!.record.receivedAt, record('d-1', 0).receivedAt, 'first copy kept');
    });

    it('When seqs jump, then the high-water mark moves and the gap is recorded; a late reading fills without moving it', async () => {
      assert.equal(await h.store.highWater('d-1'), undefined);
      const out = await h.store.append([record('d-1', 0), record('d-1', 5)]);
      assert.deepEqual(out[1], { status: 'stored', id: 2, gap: { from: 1, to: 4 } });
      assert.equal(await h.store.highWater('d-1'), 5);
      assert.deepEqual(await h.store.gaps('d-1'), [{ device: 'd-1', from: 1, to: 4, detectedAt: record('d-1', 5).receivedAt }]);
      await h.store.append([record('d-1', 3)]);
      assert.equal(await h.store.highWater('d-1'), 5);
      assert.deepEqual(await h.store.gaps('d-2'), []);
    });

    it('When readings are queried by device and time range, then pages follow id order with a next cursor', async () => {
      await h.store.append([0, 1, 2, 3, 4].map((s) => record('d-1', s)).concat([record('d-2', 0)]));
      const p1 = await h.store.readings({ device: 'd-1', from: iso(T0 + 1000), to: iso(T0 + 4000), limit: 2 });
      assert.deepEqual(p1.readings.map((r) => r.record.seq), [1, 2]);
      assert.equal(p1.next, 3);
      const p2 = await h.store.readings({ device: 'd-1', from: iso(T0 + 1000), to: iso(T0 + 4000), after: p1.next, limit: 2 });
      assert.deepEqual(p2.readings.map((r) => r.record.seq), [3]);
      assert.equal(p2.next, undefined);
      const all = await h.store.readings({ device: 'd-2', limit: 10 });
      assert.deepEqual(all.readings.map((r) => r.id), [6]);
    });

    it('When the latest reading is asked for, then it is the one with the latest device time, optionally of a kind', async () => {
      await h.store.append([record('d-1', 2), record('d-1', 1), { ...record('d-1', 0), kind: 'rfid', values: { count: 3 } } as never]);
      assert.equal((await h.store.latest('d-1'))!.record.seq, 2);
      assert.equal((await h.store.latest('d-1', 'rfid'))!.record.seq, 0);
      assert.equal(await h.store.latest('d-9'), undefined);
    });

    it('When a batch message is stored with its readings, then it is retrievable by digest', async () => {
      const bytes = new TextEncoder().encode('{"kind":"batch"}');
      const { sig: _sig, ...rest } = record('d-1', 0) as unknown as Record<string, unknown>;
      await h.store.append([{ ...rest, batch: 'cd'.repeat(32) } as never], [{ digest: 'cd'.repeat(32), bytes }]);
      assert.equal((await h.store.reading(1))!.record.receivedAt, rest['receivedAt']);
      assert.deepEqual(await h.store.message('cd'.repeat(32)), bytes);
      assert.equal(await h.store.message('ee'.repeat(32)), undefined);
    });

    it('When readings are sealed into a batch and anchored, then unbatched/unanchored views follow', async () => {
      await h.store.append([0, 1, 2].map((s) => record('d-1', s)));
      assert.deepEqual((await h.store.unbatched(2)).map((r) => r.id), [1, 2]);
      await h.store.createBatch(batchOver('tb-x-1', 1, 2));
      assert.deepEqual((await h.store.unbatched(10)).map((r) => r.id), [3]);
      assert.deepEqual((await h.store.batchReadings('tb-x-1')).map((r) => [r.id, r.batchId]), [[1, 'tb-x-1'], [2, 'tb-x-1']]);
      assert.deepEqual((await h.store.unanchoredBatches()).map((b) => b.id), ['tb-x-1']);
      await h.store.markAnchored('tb-x-1', { index: 7, txHash: 'ff'.repeat(32) });
      assert.deepEqual(await h.store.unanchoredBatches(), []);
      assert.deepEqual((await h.store.batch('tb-x-1'))!.anchor, { index: 7, txHash: 'ff'.repeat(32) });
      assert.equal((await h.store.reading(1))!.batchId, 'tb-x-1');
    });

    it('When the adapter offers unbatchedLeaves, then it lists the unbatched readings with their RFC 6962 leaf hashes', async function () {
      if (h.store.unbatchedLeaves === undefined) this.skip(); // optional fast path of the port
      const rs = [0, 1, 2].map((s) => record('d-1', s));
      await h.store.append([...rs, record('d-2', 0)]);
      await h.store.createBatch(batchOver('tb-x-1', 1, 1));
      const leaves = await h.store.unbatchedLeaves!(2);
      assert.deepEqual(leaves.map((l) => [l.id, l.device, l.ts, toHex(l.leafHash)]), [
        [2, 'd-1', rs[1]!.ts, toHex(readingLeafHash(rs[1]!))], [3, 'd-1', rs[2]!.ts, toHex(readingLeafHash(rs[2]!))],
      ]);
    });

    it('When the adapter offers nextBatch, then it is the oldest unbatched leaves up to max with their RFC 6962 root', async function () {
      if (h.store.nextBatch === undefined) this.skip(); // optional fast path of the port
      assert.equal(await h.store.nextBatch!(10), undefined, 'nothing unbatched');
      const rs = [0, 1, 2, 3].map((s) => record('d-1', s));
      await h.store.append(rs);
      await h.store.createBatch(batchOver('tb-x-1', 1, 1));
      const next = await h.store.nextBatch!(2);
      assert.deepEqual(next!.leaves.map((l) => [l.id, toHex(l.leafHash)]), [[2, toHex(readingLeafHash(rs[1]!))], [3, toHex(readingLeafHash(rs[2]!))]]);
      assert.equal(toHex(next!.root), toHex(batchRoot(rs.slice(1, 3))));
      assert.equal(next!.more, true, 'a full max was read');
      const rest = await h.store.nextBatch!(10);
      assert.deepEqual([rest!.leaves.map((l) => l.id), rest!.more], [[2, 3, 4], false]);
    });

    it('When a batch overlaps a sealed one or names the wrong count, then BatchConflict and nothing changes', async () => {
      await h.store.append([0, 1, 2].map((s) => record('d-1', s)));
      await h.store.createBatch(batchOver('tb-x-1', 1, 2));
      await assert.rejects(h.store.createBatch(batchOver('tb-x-2', 2, 3)), BatchConflict);
      await assert.rejects(h.store.createBatch({ ...batchOver('tb-x-3', 3, 3), count: 2 }), BatchConflict);
      assert.deepEqual((await h.store.unbatched(10)).map((r) => r.id), [3]);
      assert.equal(await h.store.batch('tb-x-2'), undefined);
    });

    it('When state documents are put and deleted, then reads follow', async () => {
      assert.equal(await h.store.getState('monitor'), undefined);
      await h.store.putState('monitor', '{"a":1}');
      assert.equal(await h.store.getState('monitor'), '{"a":1}');
      await h.store.putState('monitor', undefined);
      assert.equal(await h.store.getState('monitor'), undefined);
    });

    it('When the store is reopened, then readings, high-water marks, batches, state and the instance id persist', async function () {
      if (h.reopen === undefined) this.skip();
      const instance = await h.store.instanceId();
      await h.store.append([record('d-1', 0), record('d-1', 3)]);
      await h.store.createBatch(batchOver('tb-x-1', 1, 1));
      await h.store.putState('k', 'v');
      const again = await h.reopen!();
      assert.equal(await again.instanceId(), instance);
      assert.equal(await again.highWater('d-1'), 3);
      assert.deepEqual((await again.append([record('d-1', 3)]))[0], { status: 'duplicate', id: 2 });
      assert.deepEqual((await again.unanchoredBatches()).map((b) => b.id), ['tb-x-1']);
      assert.equal(await again.getState('k'), 'v');
    });
  });
}

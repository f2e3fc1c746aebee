import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Anchorer } from '../../../iot-gateway/anchor/anchorer.js';
import { asLeaf, batchCut, batchRoot, nextBatchOf, readingLeaf, sealBatch } from '../../../iot-gateway/anchor/telemetry-batch.js';
import { GatewayEvents } from '../../../iot-gateway/gateway-events.js';
import { newStats } from '../../../iot-gateway/gateway-stats.js';
import { buildReadingProof, verifyReadingProof, type ReadingProof } from '../../../iot-gateway/reading-proof.js';
import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import type { StoredReading } from '../../../iot-gateway/store/telemetry-store.js';
import { fromHex, toHex } from '../../../ledger/encoding/bytes.js';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { formatVerifierKey } from '../../../ledger/checkpoint/note-keys.js';
import { ORIGIN, testKey } from '../../support/ledger-harness.js';
import { iso, record, T0 } from '../support/readings.js';
import { openWorld, type World } from '../support/world.js';

const silent = pino({ level: 'silent' });

function stored(n: number, device = 'scale-1', from = 1): StoredReading[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, record: record(device, i) }));
}

describe('iot-gateway anchor: batches (pure)', () => {
  it('When a batch is sealed, then its root is the RFC 6962 root of RFC 8785 leaves and the anchor tx is signed with the batch id as nonce', () => {
    const rs = stored(5);
    const b = sealBatch({ instance: 'abc', gateway: { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed }, readings: rs, now: iso(T0) });
    const tree = new MemoryTree();
    tree.append(rs.map((r) => readingLeaf(r.record)));
    assert.equal(b.root, toHex(tree.root()));
    assert.equal(b.root, toHex(batchRoot(rs.map((r) => r.record))));
    assert.equal(b.id, 'tb-abc-1');
    assert.equal(b.anchorTx.tx.nonce, b.id);
    assert.deepEqual(b.anchorTx.tx.body, {
      gateway: GATEWAY_ID, batchRoot: b.root, readings: 5, firstReadingAt: rs[0]!.record.ts, lastReadingAt: rs[4]!.record.ts, devices: ['scale-1'],
    });
    assert.equal(b.anchorTx.sigs[0]!.signer, GATEWAY_ID);
  });

  it('When device times arrive out of order across devices, then the anchor names the earliest and latest and each device once, sorted', () => {
    const rs = [record('scale-2', 3), record('scale-1', 1), record('scale-2', 4, { ts: iso(T0 - 60_000) }), record('scale-1', 9)]
      .map((r, i) => ({ id: 7 + i, record: r }));
    const b = sealBatch({ instance: 'abc', gateway: { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed }, readings: rs, now: iso(T0) });
    assert.deepEqual([b.firstReadingAt, b.lastReadingAt, b.devices], [iso(T0 - 60_000), rs[3]!.record.ts, ['scale-1', 'scale-2']]);
    const body = b.anchorTx.tx.body as { firstReadingAt: string; lastReadingAt: string };
    assert.deepEqual([body.firstReadingAt, body.lastReadingAt], [b.firstReadingAt, b.lastReadingAt]);
  });

  it('When the next batch is cut from the oldest leaves, then its root is theirs and `more` says whether a backlog remains', () => {
    const leaves = stored(5).map(asLeaf);
    assert.equal(nextBatchOf([], 4), undefined);
    const full = nextBatchOf(leaves, 4)!;
    assert.deepEqual([full.leaves.map((l) => l.id), full.more], [[1, 2, 3, 4], true]);
    assert.equal(toHex(full.root), toHex(batchRoot(stored(4).map((r) => r.record))));
    assert.deepEqual([nextBatchOf(leaves.slice(0, 3), 4)!.more, nextBatchOf(leaves.slice(0, 4), 4)!.more], [false, true]);
    const gw = { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed };
    const given = sealBatch({ instance: 'a', gateway: gw, readings: full.leaves, root: full.root, now: iso(T0) });
    assert.deepEqual(given, sealBatch({ instance: 'a', gateway: gw, readings: full.leaves, now: iso(T0) }), 'a root passed in is the one computed');
  });

  it('When readings are not contiguous or empty, then sealing refuses', () => {
    const gw = { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed };
    assert.throws(() => sealBatch({ instance: 'a', gateway: gw, readings: [], now: iso(T0) }), RangeError);
    const gap = [...stored(1), ...stored(1, 'scale-1', 3)];
    assert.throws(() => sealBatch({ instance: 'a', gateway: gw, readings: gap, now: iso(T0) }), RangeError);
  });

  it('When the backlog is larger than batchMax, then the cut is batchMax; when it is smaller, everything', () => {
    assert.equal(batchCut(stored(10), 4), 4);
    assert.equal(batchCut(stored(3), 4), 3);
  });
});

describe('iot-gateway anchor: two-level proofs through a real ledger', () => {
  let w: World;
  let store: MemoryTelemetryStore;
  let anchorer: Anchorer;
  const events = new GatewayEvents();

  beforeEach(async () => {
    w = await openWorld('memory');
    await w.registerDevice('scale-1', ['load-cell']);
    store = new MemoryTelemetryStore();
    anchorer = new Anchorer({
      store, submit: (s) => w.h.pipeline.submit(s), gateway: { id: GATEWAY_ID, seed: w.gateway.seed }, clock: w.h.clock,
      logger: silent, stats: newStats(), events, batchMs: 60_000, batchMax: 4,
    });
  });
  afterEach(async () => {
    await anchorer.close();
    await w.h.close();
  });

  async function anchored(n: number): Promise<void> {
    await store.append(stored(n).map((s) => s.record));
    await anchorer.kick();
  }

  async function proofOf(id: number): Promise<ReadingProof> {
    const out = await buildReadingProof(store, w.h.store, id);
    assert.equal(out.status, 'ok');
    return (out as { proof: ReadingProof }).proof;
  }

  it('When readings are anchored, then every reading\'s proof verifies against the log key and against the tree head', async () => {
    await anchored(7); // batches of 4 and 3
    assert.deepEqual(await store.unanchoredBatches(), []);
    const cp = (await w.h.store.latestCheckpoint())!;
    for (let id = 1; id <= 7; id++) {
      const proof = await proofOf(id);
      assert.deepEqual(verifyReadingProof(proof, { logKey: w.h.signer.verifierKey }), { ok: true }, `reading ${id}`);
      assert.deepEqual(verifyReadingProof(proof, { size: cp.size, rootHash: cp.rootHash }), { ok: true });
    }
  });

  it('When any part of a proof is tampered with, then it does not verify and says why', async () => {
    await anchored(3);
    const p = await proofOf(2);
    const trust = { logKey: w.h.signer.verifierKey };
    const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
    const cases: [ReadingProof, RegExp][] = [
      [{ ...p, reading: { ...p.reading, record: { ...p.reading.record, values: { kg: 1 } } as never } }, /not in the batch/],
      [{ ...p, batch: { ...p.batch, path: p.batch.path.map(flip) } }, /not in the batch/],
      [{ ...p, batch: { ...p.batch, leafIndex: 0 } }, /not in the batch/],
      [{ ...p, anchor: { ...p.anchor, path: p.anchor.path.map(flip) } }, /not in the ledger/],
      [{ ...p, anchor: { ...p.anchor, index: p.anchor.index - 1 } }, /index/],
      [{ ...p, checkpoint: p.checkpoint.replace(/\n\n— .*/s, '\n\n— other x\n') }, /checkpoint/],
    ];
    for (const [bad, why] of cases) {
      const r = verifyReadingProof(bad, trust);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', why);
    }
    const other = verifyReadingProof(p, { logKey: formatVerifierKey(ORIGIN, testKey('not-the-log').publicKey) });
    assert.match(!other.ok ? other.reason : '', /checkpoint does not verify/);
    assert.equal(verifyReadingProof(p, { size: p.anchor.treeSize, rootHash: fromHex('00'.repeat(32)) }).ok, false);
  });

  it('When a batch was sealed but never submitted, or committed but not recorded, then a restart anchors each exactly once', async () => {
    await store.append(stored(6).map((s) => s.record));
    const gw = { id: GATEWAY_ID, seed: w.gateway.seed };
    const instance = await store.instanceId();
    const first = sealBatch({ instance, gateway: gw, readings: (await store.unbatched(3)), now: iso(T0) });
    await store.createBatch(first);
    const committed = await w.h.pipeline.submit(first.anchorTx); // the crash came before markAnchored
    const second = sealBatch({ instance, gateway: gw, readings: (await store.unbatched(3)), now: iso(T0) });
    await store.createBatch(second); // the crash came before submit
    const sizeBefore = w.h.pipeline.size;
    await anchorer.start();
    assert.equal((await store.batch(first.id))!.anchor!.index, committed.index, 'the original index, not a second entry');
    assert.ok((await store.batch(second.id))!.anchor);
    assert.equal(w.h.pipeline.size, sizeBefore + 1, 'one new ledger entry: the second batch only');
    await anchorer.kick();
    assert.equal(w.h.pipeline.size, sizeBefore + 1, 'nothing anchored twice');
  });

  it('When readings are stored while a round anchors, then they wait for the next round instead of making a small batch of their own', async () => {
    const stats = newStats();
    let arrivals = 0;
    const late = new Anchorer({
      store, gateway: { id: GATEWAY_ID, seed: w.gateway.seed }, clock: w.h.clock, logger: silent, stats, events, batchMs: 60_000, batchMax: 4,
      submit: async (s) => {
        if (arrivals++ === 0) await store.append([record('scale-1', 10), record('scale-1', 11)]); // they arrive mid-round
        return w.h.pipeline.submit(s);
      },
    });
    try {
      await store.append(stored(3).map((s) => s.record));
      await late.kick();
      assert.equal(stats.batchesSealed, 1);
      assert.deepEqual((await store.unbatched(10)).map((r) => r.id), [4, 5], 'left for the next round');
      await late.kick();
      assert.equal(stats.batchesSealed, 2);
      assert.deepEqual(await store.unbatched(10), []);
    } finally {
      await late.close();
    }
  });

  it('When a reading is not batched yet, then its proof is not available and says why', async () => {
    await store.append([record('scale-1', 0)]);
    assert.equal((await buildReadingProof(store, w.h.store, 1)).status, 'not-batched');
    assert.equal((await buildReadingProof(store, w.h.store, 2)).status, 'not-found');
  });
});

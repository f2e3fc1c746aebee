// One conformance suite for every LedgerStore adapter (memory, SQLite, PostgreSQL): aedes' pattern of a shared
// persistence test suite. An adapter is conformant when all of these pass against it unchanged.
import assert from 'node:assert/strict';
import type { StateObject } from '../../../contracts/types.js';
import { appendLeaves, edgeRoot, emptyEdge, type RightEdge } from '../../../ledger/merkle/compact-range.js';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import { toHex } from '../../../ledger/encoding/bytes.js';
import { sha256 } from '../../../ledger/merkle/sha256.js';
import {
  DuplicateEntryError,
  SequenceConflict,
  type CommitBatch,
  type EntryRecord,
  type LedgerStore,
} from '../../../ledger/store/ledger-store.js';

export interface StoreHarness {
  readonly store: LedgerStore;
  /** Close and reopen the same storage (durable adapters); undefined for memory. */
  reopen?(): Promise<LedgerStore>;
  cleanup(): Promise<void>;
}

const enc = new TextEncoder();

function entry(index: number, tag = ''): EntryRecord {
  const leaf = enc.encode(JSON.stringify({ index, tag }));
  return { index, leaf, leafHash: hashLeaf(leaf), txHash: toHex(sha256(enc.encode(`${tag}tx-${index}`))), type: 'test.entry', signer: 'p-test', nonce: `${tag}n${index}` };
}

function receipt(id: string, holder: string, extra: Record<string, unknown> = {}): StateObject {
  return { kind: 'receipt', id, holder, warehouse: 'wh-1', ...extra } as StateObject;
}

/** Build a valid batch of `count` entries on top of `edge`. */
export function makeBatch(edge: RightEdge, count: number, opts: { writes?: StateObject[]; tag?: string } = {}): { batch: CommitBatch; edge: RightEdge } {
  const entries = Array.from({ length: count }, (_, i) => entry(edge.size + i, opts.tag));
  const appended = appendLeaves(edge, entries.map((e) => e.leafHash));
  const last = edge.size + count - 1;
  return {
    edge: appended.edge,
    batch: {
      entries,
      nodes: appended.nodes,
      writes: (opts.writes ?? []).map((object) => ({ object, index: last })),
      events: entries.map((e) => ({ index: e.index, seq: 0, event: { type: 'test.happened', refs: { receipt: ['r1'] } } })),
      checkpoint: { size: appended.edge.size, rootHash: edgeRoot(appended.edge), note: `note ${appended.edge.size}\n` },
    },
  };
}

export function ledgerStoreConformance(adapter: string, open: () => Promise<StoreHarness>): void {
  describe(`LedgerStore conformance: ${adapter}`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('When the store is new, then it is empty and has no checkpoint', async () => {
      assert.equal(await h.store.size(), 0);
      assert.equal(await h.store.latestCheckpoint(), undefined);
      assert.deepEqual(await h.store.entries(0, 10), []);
    });

    it('When a batch commits, then its entries, nodes, state, events and checkpoint are readable', async () => {
      const { batch, edge } = makeBatch(emptyEdge(), 5, { writes: [receipt('r1', 'alice')] });
      await h.store.commit(batch);
      assert.equal(await h.store.size(), 5);
      const got = await h.store.entries(1, 4);
      assert.deepEqual(got.map((e) => e.index), [1, 2, 3]);
      assert.deepEqual(got[0]!.leaf, batch.entries[1]!.leaf);
      assert.deepEqual(got[0]!.leafHash, batch.entries[1]!.leafHash);
      assert.deepEqual(await h.store.nodes([{ level: 2, index: 0 }, { level: 0, index: 4 }]), [
        batch.nodes.find((n) => n.id.level === 2)!.hash,
        batch.entries[4]!.leafHash,
      ]);
      const cp = await h.store.latestCheckpoint();
      assert.equal(cp?.size, 5);
      assert.deepEqual(cp?.rootHash, edgeRoot(edge));
      assert.equal((await h.store.checkpointAt(5))?.note, 'note 5\n');
      assert.equal(await h.store.checkpointAt(4), undefined);
      const state = await h.store.getState([{ kind: 'receipt', id: 'r1' }, { kind: 'receipt', id: 'nope' }]);
      assert.equal(state.size, 1);
      assert.equal(state.get('receipt:r1')?.index, 4);
      assert.deepEqual(state.get('receipt:r1')?.object, receipt('r1', 'alice'));
      assert.equal((await h.store.events(3, 100)).length, 2);
      assert.equal(await h.store.indexOfTx(batch.entries[2]!.txHash), 2);
      assert.deepEqual(await h.store.txOfNonce('p-test', 'n3'), { index: 3, txHash: batch.entries[3]!.txHash });
      assert.equal(await h.store.txOfNonce('p-test', 'n99'), undefined);
    });

    it('When committed keys are looked up for a batch, then each answer equals indexOfTx and txOfNonce for that key', async () => {
      const { batch } = makeBatch(emptyEdge(), 4);
      await h.store.commit(batch);
      const [e1, e3] = [batch.entries[1]!, batch.entries[3]!];
      const other = toHex(sha256(enc.encode('never committed')));
      // Same prefix as a committed hash, different hash: must not match (SQLite indexes the first 8 bytes only).
      const samePrefix = `${e1.txHash.slice(0, 16)}${'0'.repeat(48)}`;
      const keys = [
        { txHash: e1.txHash, signer: e1.signer, nonce: e1.nonce },
        { txHash: other, signer: 'p-test', nonce: e3.nonce }, // a new tx reusing a committed nonce
        { txHash: samePrefix, signer: 'p-other', nonce: e3.nonce },
        { txHash: 'not-a-hash', signer: 'p-test', nonce: 'n99' },
        { txHash: e1.txHash, signer: e1.signer, nonce: e1.nonce }, // asked twice: answered twice
      ];
      const found = await h.store.findCommitted(keys);
      assert.deepEqual(found, [
        { index: 1, byNonce: { index: 1, txHash: e1.txHash } },
        { index: undefined, byNonce: { index: 3, txHash: e3.txHash } },
        { index: undefined, byNonce: undefined },
        { index: undefined, byNonce: undefined },
        { index: 1, byNonce: { index: 1, txHash: e1.txHash } },
      ]);
      for (const [i, k] of keys.entries()) {
        assert.deepEqual(found[i], { index: await h.store.indexOfTx(k.txHash), byNonce: await h.store.txOfNonce(k.signer, k.nonce) });
      }
      assert.deepEqual(await h.store.findCommitted([]), []);
    });

    it('When a batch does not start at the current size, then it is refused with SequenceConflict and nothing changes', async () => {
      const first = makeBatch(emptyEdge(), 3);
      await h.store.commit(first.batch);
      const stale = makeBatch(emptyEdge(), 2, { tag: 'x' });
      await assert.rejects(h.store.commit(stale.batch), SequenceConflict);
      assert.equal(await h.store.size(), 3);
      assert.equal((await h.store.latestCheckpoint())?.size, 3);
    });

    it('When a batch repeats a committed tx hash, then the whole batch is refused and nothing of it is visible', async () => {
      const first = makeBatch(emptyEdge(), 2);
      await h.store.commit(first.batch);
      const second = makeBatch(first.edge, 2, { writes: [receipt('r9', 'bob')] });
      const dup = { ...second.batch.entries[1]!, txHash: first.batch.entries[0]!.txHash };
      await assert.rejects(h.store.commit({ ...second.batch, entries: [second.batch.entries[0]!, dup] }));
      assert.equal(await h.store.size(), 2);
      assert.equal((await h.store.getState([{ kind: 'receipt', id: 'r9' }])).size, 0);
      assert.equal((await h.store.latestCheckpoint())?.size, 2);
      assert.equal((await h.store.events(0, 100)).length, 2);
    });

    it('When events refer to an object, then eventsByRef returns exactly those, in log order', async () => {
      const { batch, edge } = makeBatch(emptyEdge(), 3);
      await h.store.commit(batch);
      const more = makeBatch(edge, 2);
      const events = [
        { index: 3, seq: 0, event: { type: 'receipt.transferred', refs: { receipt: ['r7'], party: ['bob'] } } },
        { index: 4, seq: 0, event: { type: 'pledge.created', refs: { receipt: ['r7'], pledge: ['pl-1'] } } },
        { index: 4, seq: 1, event: { type: 'other', refs: { receipt: ['r8'] } } },
      ];
      await h.store.commit({ ...more.batch, events });
      assert.deepEqual((await h.store.eventsByRef('r7', 0, 10)).map((e) => [e.index, e.seq]), [[3, 0], [4, 0]]);
      assert.deepEqual((await h.store.eventsByRef('r7', 4, 10)).map((e) => e.event.type), ['pledge.created']);
      assert.deepEqual((await h.store.eventsByRef('r1', 0, 2)).map((e) => e.index), [0, 1]);
      assert.deepEqual(await h.store.eventsByRef('nobody', 0, 10), []);
    });

    it('When a batch repeats a tx hash or a (signer, nonce) within itself or against the log, then DuplicateEntryError names which, and nothing is kept', async () => {
      const first = makeBatch(emptyEdge(), 2);
      await h.store.commit(first.batch);
      const next = makeBatch(first.edge, 3, { tag: 'y' });
      const [a, b, c] = next.batch.entries as [EntryRecord, EntryRecord, EntryRecord];
      const cases: [string, EntryRecord[], 'tx_hash' | 'signer_nonce'][] = [
        ['tx hash already in the log', [a, { ...b, txHash: first.batch.entries[1]!.txHash }, c], 'tx_hash'],
        ['tx hash twice in the batch', [a, b, { ...c, txHash: a.txHash }], 'tx_hash'],
        ['nonce already in the log', [a, { ...b, nonce: 'n0' }, c], 'signer_nonce'],
        ['nonce twice in the batch', [a, b, { ...c, nonce: a.nonce }], 'signer_nonce'],
      ];
      for (const [what, entries, constraint] of cases) {
        await assert.rejects(
          h.store.commit({ ...next.batch, entries }),
          (e: unknown) => e instanceof DuplicateEntryError && e.constraint === constraint,
          what,
        );
        assert.equal(await h.store.size(), 2, what);
        assert.equal((await h.store.latestCheckpoint())?.size, 2, what);
      }
      await h.store.commit(next.batch);
      assert.equal(await h.store.indexOfTx(c.txHash), 4);
    });

    it('When an entry\'s tx hash is not 64 lowercase hex digits, then the batch is refused with a TypeError naming the entry', async () => {
      const { batch } = makeBatch(emptyEdge(), 2);
      for (const bad of ['tx-1', 'AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(31)}zz`, 42]) {
        const entries = [batch.entries[0]!, { ...batch.entries[1]!, txHash: bad as string }];
        await assert.rejects(h.store.commit({ ...batch, entries }), (e: unknown) => e instanceof TypeError && /entry 1: txHash/.test(e.message));
      }
      assert.equal(await h.store.size(), 0);
      assert.equal(await h.store.indexOfTx('not-a-hash'), undefined);
    });

    it('When checkpoints are listed by size range, then exactly those signed in [from, to) come back in size order', async () => {
      let edge = emptyEdge();
      for (const n of [2, 3, 1, 4]) {
        const made = makeBatch(edge, n);
        await h.store.commit(made.batch);
        edge = made.edge;
      }
      assert.deepEqual((await h.store.checkpointsIn(0, 100)).map((cp) => cp.size), [2, 5, 6, 10]);
      assert.deepEqual((await h.store.checkpointsIn(5, 10)).map((cp) => cp.size), [5, 6]);
      assert.deepEqual((await h.store.checkpointsIn(3, 5)), []);
      const [six] = await h.store.checkpointsIn(6, 7);
      assert.deepEqual(six, await h.store.checkpointAt(6));
    });

    it('When more nodes are asked than one read takes, then all come back in the order asked', async () => {
      const { batch } = makeBatch(emptyEdge(), 700);
      await h.store.commit(batch);
      const wanted = [...batch.nodes].reverse();
      const got = await h.store.nodes(wanted.map((n) => n.id));
      assert.equal(got.length, wanted.length);
      wanted.forEach((n, i) => assert.deepEqual(got[i], n.hash, `node ${n.id.level}/${n.id.index}`));
      assert.deepEqual(await h.store.nodes([]), []);
      const twice = await h.store.nodes([{ level: 1, index: 3 }, { level: 1, index: 3 }]);
      assert.deepEqual(twice[0], twice[1]);
    });

    it('When a node is not stored, then reading it throws a RangeError naming it', async () => {
      await h.store.commit(makeBatch(emptyEdge(), 3).batch);
      await assert.rejects(h.store.nodes([{ level: 2, index: 0 }]), /level 2 index 0/);
      await assert.rejects(h.store.nodes([{ level: 0, index: 3 }]), RangeError);
    });

    it('When an object is rewritten, then the latest write wins and reference queries follow it', async () => {
      const a = makeBatch(emptyEdge(), 1, { writes: [receipt('r1', 'alice'), receipt('r2', 'alice'), receipt('r3', 'bob')] });
      await h.store.commit(a.batch);
      const b = makeBatch(a.edge, 1, { writes: [receipt('r1', 'bob', { pledge: 'pl-1' })] });
      await h.store.commit(b.batch);
      const alice = await h.store.queryState({ kind: 'receipt', ref: 'alice' });
      assert.deepEqual(alice.map((r) => r.object.id), ['r2']);
      const bob = await h.store.queryState({ kind: 'receipt', ref: 'bob' });
      assert.deepEqual(bob.map((r) => r.object.id), ['r1', 'r3']);
      assert.equal(bob[0]!.index, 1);
      assert.deepEqual((await h.store.queryState({ kind: 'receipt', ref: 'pl-1' })).map((r) => r.object.id), ['r1']);
      assert.deepEqual((await h.store.queryState({ kind: 'pledge', ref: 'bob' })), []);
    });

    it('When listing a kind with a limit, then pages follow id order without gaps or repeats', async () => {
      const writes = Array.from({ length: 25 }, (_, i) => receipt(`r${String(i).padStart(2, '0')}`, 'alice'));
      await h.store.commit(makeBatch(emptyEdge(), 1, { writes }).batch);
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.store.queryState({ kind: 'receipt', limit: 10, ...(after === undefined ? {} : { after }) });
        seen.push(...page.map((r) => r.object.id));
        if (page.length < 10) break;
        after = page[page.length - 1]!.object.id;
      }
      assert.deepEqual(seen, writes.map((w) => w.id));
    });

    it('When many batches commit, then every stored node matches a fresh recomputation', async () => {
      let edge = emptyEdge();
      const all: EntryRecord[] = [];
      for (const n of [1, 2, 3, 7, 16, 1, 33]) {
        const made = makeBatch(edge, n);
        await h.store.commit(made.batch);
        all.push(...made.batch.entries);
        edge = made.edge;
      }
      const fresh = appendLeaves(emptyEdge(), all.map((e) => e.leafHash));
      const stored = await h.store.nodes(fresh.nodes.map((n) => n.id));
      fresh.nodes.forEach((n, i) => assert.deepEqual(stored[i], n.hash, `node ${n.id.level}/${n.id.index}`));
    });

    it('When the storage is reopened, then everything committed is still there', async function () {
      if (h.reopen === undefined) this.skip();
      const { batch } = makeBatch(emptyEdge(), 4, { writes: [receipt('r1', 'alice')] });
      await h.store.commit(batch);
      const again = await h.reopen!();
      assert.equal(await again.size(), 4);
      assert.equal((await again.latestCheckpoint())?.size, 4);
      assert.equal((await again.getState([{ kind: 'receipt', id: 'r1' }])).size, 1);
    });
  });
}

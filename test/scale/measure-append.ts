// Appends per second on PostgreSQL vs SQLite, same machine, same batch size, one run: the figures in docs/deploy.md.
// Not a test (mocha runs *.test.ts only): `LH_TEST_PG_URL=postgres://… npx tsx test/scale/measure-append.ts [rounds]`.
//
// Two measurements per backend, each on a fresh store per round, a warm-up round discarded, the median reported:
// - store: what the pipeline does after admission, per batch of BATCH synthetic ~300-byte entries — leaf hashes,
//   Merkle nodes, a checkpoint proven consistent and signed (LogSigner.sign), one commit(CommitBatch);
// - pipeline: signed party registrations submitted at once to a CommitPipeline (maxBatch BATCH): envelope checks,
//   Ed25519 verification, the contract, state and events, the signed checkpoint and the commit; signing the
//   transactions happens before the clock starts.
// The PostgreSQL runs use a fresh schema in the LH_TEST_PG_URL database, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { SignedTx } from '../../contracts/types.js';
import { ManualClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { toBase64, toHex, utf8 } from '../../ledger/encoding/bytes.js';
import { appendLeaves, emptyEdge, type RightEdge } from '../../ledger/merkle/compact-range.js';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import type { EntryRecord, LedgerStore } from '../../ledger/store/ledger-store.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { openPgPool, quoteIdent } from '../../ledger/store/pg/pg-pool.js';
import { SqliteLedgerStore } from '../../ledger/store/sqlite-ledger-store.js';
import { contractServices, OPERATOR_ID } from '../../server/system.js';
import { ORIGIN, buildTx, testKey } from '../support/ledger-harness.js';

const BATCH = 500;
const STORE_BATCHES = 10;
const PIPELINE_TXS = 2000;
const ROUNDS = Number(process.argv[2] ?? '3');
const PG_URL = process.env.LH_TEST_PG_URL || undefined;

interface Backend {
  readonly name: string;
  /** A fresh, empty store and a function that closes it and removes its storage. */
  open(): Promise<{ store: LedgerStore; dispose(): Promise<void> }>;
}

const sqlite: Backend = {
  name: 'SQLite (WAL, synchronous=FULL)',
  async open() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lh-measure-'));
    const store = new SqliteLedgerStore(path.join(dir, 'ledger.db'));
    return { store, dispose: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
};

function postgres(url: string): Backend {
  return {
    name: 'PostgreSQL (local, fsync on, synchronous_commit on)',
    async open() {
      const schema = `lh_measure_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
      const store = await PgLedgerStore.open(openPgPool({ connectionString: url, schema, max: 4 }), { ownsPool: true });
      return {
        store,
        async dispose() {
          await store.close();
          await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
          await admin.end();
        },
      };
    },
  };
}

/** Entry `index` as ~300 bytes of entry-shaped JSON with a unique tx hash and nonce (storage only: not signed). */
function syntheticEntry(index: number): Omit<EntryRecord, 'leafHash'> {
  const signer = `client-${index % 100}`;
  const tx = { v: 1, type: 'measure.synthetic', nonce: `n-${index}`, ts: '2026-11-24T00:00:00.000Z', body: { receipt: `rc-${String(index).padStart(12, '0')}`, to: `holder-${index % 997}` } };
  const leaf = utf8(JSON.stringify({ v: 1, index, time: '2026-11-24T00:00:00.000Z', tx, sigs: [{ signer, sig: toBase64(new Uint8Array(64).fill(0x5a)) }] }));
  return { index, leaf, txHash: toHex(hashLeaf(utf8(JSON.stringify(tx)))), type: tx.type, signer, nonce: tx.nonce };
}

/** Store-level appends per second: STORE_BATCHES batches of BATCH entries, integration and commit timed. */
async function storeRound(backend: Backend): Promise<number> {
  const { store, dispose } = await backend.open();
  const signer = new LogSigner(ORIGIN, testKey('log').seed);
  let edge: RightEdge = emptyEdge();
  let ms = 0;
  try {
    for (let b = 0; b < STORE_BATCHES; b++) {
      const input = Array.from({ length: BATCH }, (_, i) => syntheticEntry(edge.size + i));
      const t0 = performance.now();
      const entries: EntryRecord[] = input.map((e) => ({ ...e, leafHash: hashLeaf(e.leaf) }));
      const appended = appendLeaves(edge, entries.map((e) => e.leafHash));
      const checkpoint = await signer.sign(store, edge.size, appended.edge, appended.nodes);
      await store.commit({ entries, nodes: appended.nodes, writes: [], events: [], checkpoint });
      ms += performance.now() - t0;
      edge = appended.edge;
    }
  } finally {
    await dispose();
  }
  return (BATCH * STORE_BATCHES) / (ms / 1000);
}

/** Pipeline-level appends per second: PIPELINE_TXS pre-signed party registrations submitted at once. */
async function pipelineRound(backend: Backend, txs: readonly SignedTx[], genesis: SignedTx): Promise<number> {
  const { store, dispose } = await backend.open();
  const fast = new FastVerifier();
  try {
    const pipeline = await CommitPipeline.open({
      store, clock: new ManualClock(), signer: new LogSigner(ORIGIN, testKey('log').seed),
      verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(), maxBatch: BATCH, maxQueue: PIPELINE_TXS + 1,
    });
    await pipeline.submit(genesis);
    const t0 = performance.now();
    await Promise.all(txs.map((tx) => pipeline.submit(tx)));
    const ms = performance.now() - t0;
    await pipeline.close();
    return txs.length / (ms / 1000);
  } finally {
    await dispose();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const operator = testKey(OPERATOR_ID);
const genesis = buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Op', publicKey: operator.publicKeyB64 } }, [operator]);
const txs = Array.from({ length: PIPELINE_TXS }, (_, i) =>
  buildTx('party.register', { id: `p-${i}`, role: 'holder', name: `P${i}`, publicKey: testKey(`p-${i}`).publicKeyB64 }, [operator], { nonce: `m-${i}` }));

const backends = [sqlite, ...(PG_URL === undefined ? [] : [postgres(PG_URL)])];
if (PG_URL === undefined) console.error('LH_TEST_PG_URL is not set: measuring SQLite only');
const kinds = [
  { name: 'store', round: (b: Backend) => storeRound(b) },
  { name: 'pipeline', round: (b: Backend) => pipelineRound(b, txs, genesis) },
];
const load = os.loadavg()[0]!;
// Rounds alternate between the backends, so load from other work on the machine falls on both alike.
const results = new Map<string, number[]>();
for (let r = 0; r <= ROUNDS; r++) {
  for (const kind of kinds) {
    for (const backend of backends) {
      const rate = await kind.round(backend);
      if (r === 0) continue; // warm-up: JIT, caches; not reported
      const key = `${backend.name}\n${kind.name}`;
      results.set(key, [...(results.get(key) ?? []), rate]);
      console.error(`round ${r}/${ROUNDS} ${kind.name} ${backend.name}: ${Math.round(rate)} appends/s`);
    }
  }
}
const fmt = (xs: readonly number[]): string => `${Math.round(median(xs)).toLocaleString('en')} (${xs.map((x) => Math.round(x).toLocaleString('en')).join(', ')})`;
console.log(`\nbatch size ${BATCH}; ${ROUNDS} rounds after a warm-up, alternating backends; median (rounds); `
  + `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; 1-min load average at start ${load.toFixed(1)}\n`);
console.log(`| backend | store commit, appends/s (${STORE_BATCHES} × ${BATCH} synthetic entries) | pipeline, appends/s (${PIPELINE_TXS} signed party.register) |`);
console.log('| --- | --- | --- |');
for (const backend of backends) {
  console.log(`| ${backend.name} | ${fmt(results.get(`${backend.name}\nstore`)!)} | ${fmt(results.get(`${backend.name}\npipeline`)!)} |`);
}

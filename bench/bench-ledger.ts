// A real ledger for the pipeline and auditor benchmarks, composed as the server composes it (server/system.ts):
// SQLite store on a file, LogSigner signing through OpenSSL, FastVerifier for signatures, the contracts' key
// services, the commit pipeline; then genesis and a cast of registered parties (warehouses, holders, banks).
import type { SignedTx, Tx } from '../contracts/types.js';
import { ManualClock } from '../ledger/clock.js';
import { FastVerifier, signFast } from '../ledger/crypto/ed25519-node.js';
import type { VerifyPool } from '../ledger/crypto/verify-pool.js';
import { toBase64 } from '../ledger/encoding/bytes.js';
import { CommitPipeline, type Committed } from '../ledger/pipeline/commit-pipeline.js';
import type { LogSigner } from '../ledger/pipeline/log-signer.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { txSigningBytes } from '../ledger/tx/sign-tx.js';
import { contractServices, OPERATOR_ID } from '../server/system.js';
import { BENCH_ORIGIN, benchKey, benchLogSigner, type BenchKey } from './bench-keys.js';
import { countingStore, type ReadCounts } from './counting-store.js';

export interface Cast {
  readonly operator: BenchKey;
  readonly warehouses: readonly BenchKey[];
  readonly holders: readonly BenchKey[];
  readonly banks: readonly BenchKey[];
}

export interface CastSize {
  readonly warehouses: number;
  readonly holders: number;
  readonly banks: number;
}

export const DEFAULT_CAST: CastSize = { warehouses: 8, holders: 64, banks: 8 };

/**
 * A second index on `state_refs (kind, id)`. Until SQLite migration v3 shipped `state_refs_object`, `DELETE FROM
 * state_refs WHERE kind = ? AND id = ?` (run for every state write) scanned the whole table; pipeline-tx keeps this
 * what-if row as a control (with v3 both rows should match), and the auditor benchmark's build still adds and drops it.
 */
export const STATE_REFS_INDEX = {
  create: 'CREATE INDEX bench_state_refs_by_object ON state_refs (kind, id)',
  drop: 'DROP INDEX bench_state_refs_by_object',
} as const;

export interface BenchLedger {
  readonly store: SqliteLedgerStore;
  readonly pipeline: CommitPipeline;
  readonly signer: LogSigner;
  readonly cast: Cast;
  /** Store calls made by the pipeline (it runs on a counting wrapper). */
  readonly storeCounts: ReadCounts;
  /** Signature verifications the pipeline asked for, and the time they took (timed around the injected verifier). */
  readonly verifications: { count: number; ms: number };
  close(): Promise<void>;
}

/** A signed transaction; signatures made with OpenSSL (byte-identical to the portable signer): clients' work. */
export function signed(tx: Tx, signers: readonly BenchKey[]): SignedTx {
  const message = txSigningBytes(tx);
  return { tx, sigs: signers.map((k) => ({ signer: k.id, sig: toBase64(signFast(k.seed, message)) })) };
}

const TS = '2026-11-24T00:00:00.000Z';

function castOf(size: CastSize): Cast {
  const keys = (prefix: string, n: number): BenchKey[] => Array.from({ length: n }, (_, i) => benchKey(`${prefix}-${i + 1}`));
  return {
    operator: benchKey(OPERATOR_ID),
    warehouses: keys('wh', size.warehouses),
    holders: keys('holder', size.holders),
    banks: keys('bank', size.banks),
  };
}

async function submitAll(pipeline: CommitPipeline, txs: readonly SignedTx[]): Promise<Committed[]> {
  return Promise.all(txs.map((t) => pipeline.submit(t)));
}

/** Open a ledger on `file`, commit genesis and register the cast. `pool` (the caller closes it): as `startNode` runs. */
export async function openBenchLedger(file: string, size: CastSize = DEFAULT_CAST, pool?: VerifyPool): Promise<BenchLedger> {
  const store = new SqliteLedgerStore(file);
  const counting = countingStore(store);
  const signer = benchLogSigner();
  const verifier = new FastVerifier();
  const verifications = { count: 0, ms: 0 };
  const pipeline = await CommitPipeline.open({
    store: counting.store,
    clock: new ManualClock(),
    signer,
    verify: (s, m, k) => {
      const t0 = process.hrtime.bigint();
      const ok = verifier.verify(s, m, k);
      verifications.ms += Number(process.hrtime.bigint() - t0) / 1e6;
      verifications.count++;
      return ok;
    },
    services: contractServices(),
    pool,
  });
  const cast = castOf(size);
  const op = cast.operator;
  await pipeline.submit(signed({ v: 1, type: 'ledger.genesis', nonce: 'genesis', ts: TS, body: {
    origin: BENCH_ORIGIN, operator: { id: op.id, name: 'Bench operator', publicKey: op.publicKeyB64 },
  } }, [op]));
  const parties: [BenchKey, string][] = [
    ...cast.warehouses.map((k): [BenchKey, string] => [k, 'warehouse']),
    ...cast.holders.map((k): [BenchKey, string] => [k, 'holder']),
    ...cast.banks.map((k): [BenchKey, string] => [k, 'bank']),
  ];
  await submitAll(pipeline, parties.map(([k, role]) => signed({ v: 1, type: 'party.register', nonce: `register-${k.id}`, ts: TS, body: {
    id: k.id, role, name: `${k.id} (bench)`, publicKey: k.publicKeyB64,
  } }, [op])));
  return {
    store, pipeline, signer, cast, storeCounts: counting.counts, verifications,
    async close() {
      await pipeline.close();
      await store.close();
    },
  };
}

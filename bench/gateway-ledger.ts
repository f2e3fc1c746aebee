// The ledger the gateway benchmark's child process runs on, composed as server/system.ts composes it: SQLite on a
// file (WAL + synchronous=FULL), LogSigner through OpenSSL, FastVerifier, the contracts' key services, the commit
// pipeline on the system clock; then genesis, the gateway and warehouse parties, and the simulated devices.
import type { DeviceRegisterBody } from '../contracts/tx/device-register.js';
import { systemClock } from '../ledger/clock.js';
import { FastVerifier } from '../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../ledger/pipeline/commit-pipeline.js';
import { openSqlite, type SqliteDatabase } from '../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../ledger/store/sqlite-ledger-store.js';
import { contractServices, GATEWAY_ID, OPERATOR_ID } from '../server/system.js';
import { BENCH_ORIGIN, benchKey, benchLogSigner } from './bench-keys.js';
import { signed } from './bench-ledger.js';

/** The warehouse every benchmark device belongs to. */
export const BENCH_WAREHOUSE = 'wh-bench';

/** Most registrations in flight at once (the pipeline's queue holds 10,000). */
const REGISTER_CHUNK = 2000;

export interface GatewayLedger {
  readonly db: SqliteDatabase;
  readonly store: SqliteLedgerStore;
  readonly pipeline: CommitPipeline;
  close(): Promise<void>;
}

/** Open a ledger on `file`, commit genesis, register the gateway and warehouse parties and `devices`. */
export async function openGatewayLedger(file: string, devices: readonly DeviceRegisterBody[]): Promise<GatewayLedger> {
  const db = openSqlite(file);
  const store = new SqliteLedgerStore(db);
  const verifier = new FastVerifier();
  const pipeline = await CommitPipeline.open({
    store, clock: systemClock, signer: benchLogSigner(), verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(),
  });
  const ts = new Date().toISOString();
  const op = benchKey(OPERATOR_ID);
  const warehouse = benchKey(BENCH_WAREHOUSE);
  await pipeline.submit(signed({ v: 1, type: 'ledger.genesis', nonce: 'genesis', ts, body: {
    origin: BENCH_ORIGIN, operator: { id: op.id, name: 'Bench operator', publicKey: op.publicKeyB64 },
  } }, [op]));
  for (const [k, role] of [[benchKey(GATEWAY_ID), 'gateway'], [warehouse, 'warehouse']] as const) {
    await pipeline.submit(signed({ v: 1, type: 'party.register', nonce: `register-${k.id}`, ts, body: {
      id: k.id, role, name: `${k.id} (bench)`, publicKey: k.publicKeyB64,
    } }, [op]));
  }
  for (let i = 0; i < devices.length; i += REGISTER_CHUNK) {
    await Promise.all(devices.slice(i, i + REGISTER_CHUNK).map((body) => pipeline.submit(signed({
      v: 1, type: 'device.register', nonce: `device-${body.id}`, ts, body,
    }, [warehouse]))));
  }
  return {
    db, store, pipeline,
    async close() {
      await pipeline.close();
      await store.close();
      if (db.open) db.close();
    },
  };
}

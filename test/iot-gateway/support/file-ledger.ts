// A ledger and gateway on one SQLite file that a child process and the test process can both open in turn (the
// crash test). Keys are the reproducible test keys; the first open writes genesis, the parties and a device.
import { pino } from 'pino';
import { createGateway, type Gateway } from '../../../iot-gateway/index.js';
import { systemClock } from '../../../ledger/clock.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../../ledger/pipeline/log-signer.js';
import { openSqlite } from '../../../ledger/store/sqlite-database.js';
import { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { contractServices, GATEWAY_ID, OPERATOR_ID } from '../../../server/system.js';
import { buildTx, ORIGIN, testKey } from '../../support/ledger-harness.js';

export const CRASH_DEVICE = 'crash-1';

export interface FileSystem {
  readonly gw: Gateway;
  readonly store: SqliteLedgerStore;
  readonly pipeline: CommitPipeline;
  close(opts?: { anchor?: boolean }): Promise<void>;
}

export async function openFileSystem(file: string, batchMs: number): Promise<FileSystem> {
  const db = openSqlite(file);
  const store = new SqliteLedgerStore(db);
  const verifier = new FastVerifier();
  const pipeline = await CommitPipeline.open({
    store, clock: systemClock, signer: new LogSigner(ORIGIN, testKey('log').seed), verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(),
  });
  if (pipeline.size === 0) {
    const op = testKey(OPERATOR_ID);
    const wh = testKey('wh-a');
    await pipeline.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Operator', publicKey: op.publicKeyB64 } }, [op]));
    for (const [id, role] of [[GATEWAY_ID, 'gateway'], ['wh-a', 'warehouse']] as const) {
      await pipeline.submit(buildTx('party.register', { id, role, name: id, publicKey: testKey(id).publicKeyB64 }, [op]));
    }
    await pipeline.submit(buildTx('device.register', { id: CRASH_DEVICE, warehouse: 'wh-a', site: 'site-1', kinds: ['load-cell'], publicKey: testKey(CRASH_DEVICE).publicKeyB64 }, [wh]));
  }
  const gw = await createGateway({
    db, pipeline, store, gateway: { id: GATEWAY_ID, seed: testKey(GATEWAY_ID).seed }, clock: systemClock, logger: pino({ level: 'silent' }),
    options: { mqttHost: '127.0.0.1', mqttPort: 0, batchMs, batchMax: 1000, rate: { perSecond: 10_000, burst: 10_000 } },
  });
  return {
    gw, store, pipeline,
    async close(opts) {
      await gw.close(opts);
      await pipeline.close();
      await store.close();
      if (db.open) db.close();
    },
  };
}

// One sequencer process for test/scale/pg-sequencers.test.ts: a CommitPipeline on PgLedgerStore in the schema the
// parent created, registering parties with distinct nonces, a few in flight at a time. Prints one JSON line per
// committed submission ({"committed": …}) the moment its commit is acknowledged, then {"done": …}. A submission the
// log refuses for being busy (another sequencer kept moving it) is resubmitted verbatim: resubmission is idempotent.
//
// Environment: LH_TEST_PG_URL, LH_SCHEMA, LH_CHILD (a name), LH_COUNT (submissions), LH_IN_FLIGHT.
import { ManualClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { LedgerError } from '../../ledger/errors.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { contractServices, OPERATOR_ID } from '../../server/system.js';
import { ORIGIN, buildTx, testKey } from '../support/ledger-harness.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const child = env('LH_CHILD');
const count = Number(env('LH_COUNT'));
const inFlight = Number(process.env.LH_IN_FLIGHT ?? '6');
const say = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const store = await PgLedgerStore.connect({ connectionString: env('LH_TEST_PG_URL'), schema: env('LH_SCHEMA'), max: 3 });
const fast = new FastVerifier();
const pipeline = await CommitPipeline.open({
  store, clock: new ManualClock(), signer: new LogSigner(ORIGIN, testKey('log').seed),
  verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(), maxBatch: 8,
});
const operator = testKey(OPERATOR_ID);
let retries = 0;

async function register(i: number): Promise<void> {
  const id = `p-${child}-${i}`;
  const signed = buildTx('party.register', { id, role: 'holder', name: id, publicKey: testKey(id).publicKeyB64 }, [operator], { nonce: `${child}-${i}` });
  for (;;) {
    try {
      const c = await pipeline.submit(signed);
      say({ committed: { nonce: signed.tx.nonce, index: c.index, txHash: c.txHash, duplicate: c.duplicate } });
      return;
    } catch (e) {
      if (!(e instanceof LedgerError) || (e.code !== 'LOG_BUSY' && e.code !== 'LOG_UNAVAILABLE')) throw e;
      retries++;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
}

let next = 0;
async function worker(): Promise<void> {
  while (next < count) await register(next++);
}

try {
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  say({ done: { child, count, retries } });
} finally {
  await pipeline.close();
  await store.close();
}

// A real ledger for tests: keys derived from names (reproducible), a store (memory or SQLite on a temp file), the
// commit pipeline with genesis done, and a builder for signed transactions.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SignedTx, Tx } from '../../contracts/types.js';
import { ManualClock } from '../../ledger/clock.js';
import { publicKeyFromSeed } from '../../ledger/crypto/ed25519.js';
import { FastVerifier, signFast } from '../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { CommitPipeline, type Committed } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { MemoryLedgerStore } from '../../ledger/store/memory-ledger-store.js';
import { SqliteLedgerStore } from '../../ledger/store/sqlite-ledger-store.js';
import { signTx } from '../../ledger/tx/sign-tx.js';
import { contractServices, OPERATOR_ID } from '../../server/system.js';
import { tempDir } from './temp-dir.js';

export const ORIGIN = 'test.ledgerhouse/log';

export interface TestKey {
  readonly id: string;
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly publicKeyB64: string;
}

/** A reproducible key for a name (tests only: real keys come from generateKeyPair). */
export function testKey(id: string, salt = ''): TestKey {
  const seed = new Uint8Array(createHash('sha256').update(`ledgerhouse-test-key:${id}:${salt}`).digest());
  const publicKey = publicKeyFromSeed(seed);
  return { id, seed, publicKey, publicKeyB64: toBase64(publicKey) };
}

let nonceCounter = 0;

export function buildTx(type: string, body: unknown, signers: readonly TestKey[], opts: { nonce?: string; ts?: string } = {}): SignedTx {
  const tx: Tx = { v: 1, type, nonce: opts.nonce ?? `n-${++nonceCounter}-${Date.now()}`, ts: opts.ts ?? '2026-11-24T00:00:00.000Z', body };
  return { tx, sigs: signers.map((k) => signTx(tx, k.id, k.seed)) };
}

/**
 * On a running node: a warehouse (registered by the node's operator) and one load-cell device of it, both with
 * their `testKey`s, for tests that publish readings as that device.
 */
export async function registerWarehouseDevice(
  node: { readonly pipeline: Pick<CommitPipeline, 'submit'>; readonly keys: { readonly operator: { readonly seed: Uint8Array } } },
  warehouse: string, device: string,
): Promise<void> {
  const operator = { ...testKey(OPERATOR_ID), seed: node.keys.operator.seed };
  const ts = new Date().toISOString();
  await node.pipeline.submit(buildTx('party.register', { id: warehouse, role: 'warehouse', name: warehouse, publicKey: testKey(warehouse).publicKeyB64 }, [operator], { ts }));
  await node.pipeline.submit(buildTx('device.register', { id: device, warehouse, site: 'site-1', kinds: ['load-cell'], publicKey: testKey(device).publicKeyB64 }, [testKey(warehouse)], { ts }));
}

export interface LedgerHarness {
  readonly store: LedgerStore;
  readonly pipeline: CommitPipeline;
  readonly signer: LogSigner;
  readonly clock: ManualClock;
  readonly operator: TestKey;
  /** Build, sign and submit. */
  submit(type: string, body: unknown, signers: readonly TestKey[]): Promise<Committed>;
  /** Register a party with a reproducible key. */
  register(id: string, role: string): Promise<TestKey>;
  close(): Promise<void>;
}

export async function openHarness(kind: 'memory' | 'sqlite' = 'memory', opts: { maxBatch?: number } = {}): Promise<LedgerHarness> {
  const tmp = kind === 'sqlite' ? tempDir() : undefined;
  const store: LedgerStore = tmp === undefined ? new MemoryLedgerStore() : new SqliteLedgerStore(path.join(tmp.dir, 'ledger.db'));
  const clock = new ManualClock();
  const signer = new LogSigner(ORIGIN, testKey('log').seed, signFast);
  const verifier = new FastVerifier();
  const pipeline = await CommitPipeline.open({
    store, clock, signer, verify: (s, m, k) => verifier.verify(s, m, k), services: contractServices(), ...opts,
  });
  const operator = testKey(OPERATOR_ID);
  const submit = (type: string, body: unknown, signers: readonly TestKey[]) => pipeline.submit(buildTx(type, body, signers));
  await submit('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Operator', publicKey: operator.publicKeyB64 } }, [operator]);
  return {
    store, pipeline, signer, clock, operator, submit,
    async register(id, role) {
      const key = testKey(id);
      await submit('party.register', { id, role, name: `${id} (test)`, publicKey: key.publicKeyB64 }, [operator]);
      return key;
    },
    async close() {
      await pipeline.close();
      await store.close();
      tmp?.remove();
    },
  };
}

// Reproducible keys for benchmarks (derived from names, like the test harness's): never use such keys for real.
import { createHash } from 'node:crypto';
import { publicKeyFromSeed } from '../ledger/crypto/ed25519.js';
import { signFast } from '../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../ledger/encoding/bytes.js';
import { LogSigner } from '../ledger/pipeline/log-signer.js';

/** Checkpoint origin and log key name of every benchmark log. */
export const BENCH_ORIGIN = 'bench.ledgerhouse/log';

export interface BenchKey {
  readonly id: string;
  readonly seed: Uint8Array;
  readonly publicKeyB64: string;
}

/** The 32-byte seed for `name`. */
export function benchSeed(name: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`ledgerhouse-bench-key:${name}`).digest());
}

/** The key of party `id`. */
export function benchKey(id: string): BenchKey {
  const seed = benchSeed(id);
  return { id, seed, publicKeyB64: toBase64(publicKeyFromSeed(seed)) };
}

/** The log's checkpoint signer, configured as the server configures it (server/system.ts: OpenSSL signing). */
export function benchLogSigner(): LogSigner {
  return new LogSigner(BENCH_ORIGIN, benchSeed('log'), signFast);
}

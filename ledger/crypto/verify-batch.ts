// The wire form of a batch of Ed25519 verification jobs between the pool (verify-pool.ts) and its workers: one
// ArrayBuffer holding every job's bytes back to back (signature ‖ public key ‖ message) and one Uint32Array of
// lengths, three per job. Both are transferred, not copied. Lengths travel as they are: a signature or key of the
// wrong length reaches the verifier, which says false (THE RULE step 1), exactly as FastVerifier would in-thread.
import { FastVerifier } from './ed25519-node.js';

export interface VerifyJob {
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface PackedBatch {
  readonly bytes: ArrayBuffer;
  /** [sigLen, keyLen, msgLen] per job. */
  readonly lengths: Uint32Array;
}

function assertBytes(v: unknown, field: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${field}: expected Uint8Array`);
}

/** Copy the jobs into one transferable buffer. Throws TypeError (misuse) when a field is not a Uint8Array. */
export function packBatch(jobs: readonly VerifyJob[]): PackedBatch {
  const lengths = new Uint32Array(jobs.length * 3);
  let total = 0;
  jobs.forEach((j, i) => {
    assertBytes(j.sig, 'sig');
    assertBytes(j.publicKey, 'publicKey');
    assertBytes(j.msg, 'msg');
    lengths[3 * i] = j.sig.length;
    lengths[3 * i + 1] = j.publicKey.length;
    lengths[3 * i + 2] = j.msg.length;
    total += j.sig.length + j.publicKey.length + j.msg.length;
  });
  const out = new Uint8Array(total);
  let o = 0;
  for (const j of jobs) {
    for (const part of [j.sig, j.publicKey, j.msg]) {
      out.set(part, o);
      o += part.length;
    }
  }
  return { bytes: out.buffer, lengths };
}

/** Verify a packed batch with `verifier`; one verdict byte per job (1 = verifies). Runs inside a worker. */
export function verifyPacked(batch: PackedBatch, verifier: FastVerifier): Uint8Array {
  const all = new Uint8Array(batch.bytes);
  const n = batch.lengths.length / 3;
  const need = batch.lengths.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(n) || need !== all.length) {
    throw new RangeError(`batch: ${batch.lengths.length} lengths summing to ${need} do not describe a ${all.length}-byte buffer`);
  }
  const verdicts = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const sigLen = batch.lengths[3 * i]!;
    const keyLen = batch.lengths[3 * i + 1]!;
    const msgLen = batch.lengths[3 * i + 2]!;
    const sig = all.subarray(o, (o += sigLen));
    const publicKey = all.subarray(o, (o += keyLen));
    const msg = all.subarray(o, (o += msgLen));
    verdicts[i] = verifier.verify(sig, msg, publicKey) ? 1 : 0;
  }
  return verdicts;
}

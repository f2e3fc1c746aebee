// C2SP tlog-checkpoint: the note text of our signed tree head.
//   <origin>\n<tree size, decimal, no leading zeroes>\n<base64 RFC 6962 root hash>\n[<extension line>\n]*
// Stricter than the text layer (checkpoint-body.ts) where the spec says MUST and where the registry needs it:
// a 32-byte SHA-256 root, a size that is a safe JavaScript integer, non-empty extension lines. Browser-safe.
import { CheckpointError } from './checkpoint-error.js';
import { formatCheckpointBody, parseCheckpointBody } from './checkpoint-body.js';

export { CheckpointError, type CheckpointErrorCode } from './checkpoint-error.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: string[];
}

const ROOT_HASH_BYTES = 32; // SHA-256, RFC 6962 §2.1

function malformed(why: string): CheckpointError {
  return new CheckpointError('CHECKPOINT_MALFORMED', `invalid checkpoint: ${why}`);
}

/** Note text for `cp`. Throws TypeError/RangeError naming the field that cannot be written. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (typeof cp.origin !== 'string' || cp.origin === '' || cp.origin.includes('\n')) {
    throw new TypeError('origin: expected a non-empty single line');
  }
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) {
    throw new RangeError(`size: expected a non-negative safe integer, got ${String(cp.size)}`);
  }
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== ROOT_HASH_BYTES) {
    throw new TypeError(`rootHash: expected ${ROOT_HASH_BYTES} bytes`);
  }
  if (!Array.isArray(cp.extensions)) throw new TypeError('extensions: expected an array of strings');
  for (const [i, e] of cp.extensions.entries()) {
    // C2SP tlog-checkpoint: extension lines, if any, MUST be non-empty.
    if (typeof e !== 'string' || e === '' || e.includes('\n')) {
      throw new TypeError(`extensions[${i}]: expected a non-empty single line`);
    }
  }
  const rest = cp.extensions.map((e) => `${e}\n`).join('');
  return formatCheckpointBody({ origin: cp.origin, size: BigInt(cp.size), hash: cp.rootHash, rest });
}

/** Parses a checkpoint body. Throws CheckpointError saying which line is wrong. */
export function parseCheckpoint(text: string): Checkpoint {
  const body = parseCheckpointBody(text);
  // C2SP tlog-checkpoint: the size has no leading zeroes (unless the tree is empty: "0").
  const sizeText = text.slice(body.origin.length + 1, text.indexOf('\n', body.origin.length + 1));
  if (sizeText !== body.size.toString()) throw malformed('tree size has leading zeroes');
  if (body.size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw malformed(`tree size ${body.size} exceeds ${Number.MAX_SAFE_INTEGER}`);
  }
  if (body.hash.length !== ROOT_HASH_BYTES) {
    throw malformed(`root hash is ${body.hash.length} bytes, expected ${ROOT_HASH_BYTES}`);
  }
  const extensions: string[] = [];
  if (body.rest !== '') {
    if (!body.rest.endsWith('\n')) throw malformed('the last extension line does not end with a newline');
    for (const line of body.rest.slice(0, -1).split('\n')) {
      if (line === '') throw malformed('empty extension line'); // C2SP tlog-checkpoint: MUST be non-empty
      extensions.push(line);
    }
  }
  return { origin: body.origin, size: Number(body.size), rootHash: body.hash, extensions };
}

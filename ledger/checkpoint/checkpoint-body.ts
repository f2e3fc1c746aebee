// The C2SP tlog-checkpoint note text at the level of Go's transparency-dev/formats log.Checkpoint: origin line,
// decimal size, base64 hash, and the rest handed back unparsed. Any hash length, size up to 2^64 − 1 (bigint).
// checkpoint.ts builds the stricter registry view on top of it. Browser-safe.
import { fromBase64, toBase64 } from '../encoding/bytes.js';
import { CheckpointError } from './checkpoint-error.js';

const UINT64_MAX = (1n << 64n) - 1n;

export interface CheckpointBody {
  readonly origin: string;
  readonly size: bigint;
  readonly hash: Uint8Array;
  /** Everything after the third line, as it was (extension lines with their newlines). */
  readonly rest: string;
}

function malformed(why: string): CheckpointError {
  return new CheckpointError('CHECKPOINT_MALFORMED', `invalid checkpoint: ${why}`);
}

/** Parses the three mandatory lines (C2SP tlog-checkpoint, Note text). Throws CheckpointError. */
export function parseCheckpointBody(text: string): CheckpointBody {
  if (typeof text !== 'string') throw new TypeError('text: expected string');
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  const third = second < 0 ? -1 : text.indexOf('\n', second + 1);
  if (third < 0) throw malformed('fewer than three newline-terminated lines');
  const origin = text.slice(0, first);
  const sizeText = text.slice(first + 1, second);
  const hashText = text.slice(second + 1, third);
  if (origin === '') throw malformed('empty origin line');
  if (!/^[0-9]{1,20}$/.test(sizeText)) throw malformed(`tree size ${JSON.stringify(sizeText.slice(0, 40))} is not a decimal number`);
  const size = BigInt(sizeText);
  if (size > UINT64_MAX) throw malformed('tree size does not fit in 64 bits');
  let hash: Uint8Array;
  try {
    hash = fromBase64(hashText, 'root hash'); // RFC 4648 §4
  } catch (e) {
    throw malformed((e as Error).message);
  }
  return { origin, size, hash, rest: text.slice(third + 1) };
}

/** `origin\nsize\nbase64(hash)\n` ‖ rest. */
export function formatCheckpointBody(body: CheckpointBody): string {
  return `${body.origin}\n${body.size.toString()}\n${toBase64(body.hash)}\n${body.rest}`;
}

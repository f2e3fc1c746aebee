// RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing with SHA-256 and leaf/node domain separation. SHA-256 comes from
// sha256.ts: OpenSSL on Node, @noble/hashes in the browser (same bytes).
import { nodeSha256Text, sha256 } from './sha256.js';
import { utf8 } from '../encoding/bytes.js';

/** Prefix of a leaf hash input. RFC 6962 §2.1 */
export const LEAF_PREFIX = 0x00;
/** Prefix of an interior node hash input. RFC 6962 §2.1 */
export const NODE_PREFIX = 0x01;
/** Output size of SHA-256 in bytes. */
export const HASH_SIZE = 32;
/** MTH({}) = SHA-256() — the root of the empty tree. RFC 6962 §2.1 Shared: treat as read-only. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Inputs up to this size are built in the shared scratch buffer; larger ones get their own (rare: leaves are ~300 bytes). */
const SCRATCH_MAX = 1 << 16;
let scratch = new Uint8Array(1024);

/**
 * `prefix` followed by room for `length - 1` bytes: a view of one reused buffer, since sha256 is synchronous and keeps
 * no reference to its input. A fresh Uint8Array per hash cost about half as much as the OpenSSL call itself
 * (bench/ledger-append.ts), and appends hash twice per leaf (the leaf, and one node amortised).
 */
function hashInput(prefix: number, length: number): Uint8Array {
  if (length > scratch.length && length <= SCRATCH_MAX) scratch = new Uint8Array(Math.min(SCRATCH_MAX, Math.max(length, 2 * scratch.length)));
  const input = length <= scratch.length ? scratch.subarray(0, length) : new Uint8Array(length);
  input[0] = prefix;
  return input;
}

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

/** MTH({d(0)}) = SHA-256(0x00 || d(0)). RFC 6962 §2.1 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  requireBytes(data, 'data');
  const input = hashInput(LEAF_PREFIX, 1 + data.length);
  input.set(data, 1);
  return sha256(input);
}

/**
 * hashLeaf(UTF-8(text)): the leaf hash of an entry or reading kept as its RFC 8785 text. The prefix 0x00 is the
 * UTF-8 encoding of U+0000, so on Node the string "\0" + text is handed to OpenSSL as it is.
 */
export function hashLeafText(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  return nodeSha256Text === undefined ? hashLeaf(utf8(text)) : nodeSha256Text(`\0${text}`);
}

/**
 * SHA-256(0x01 || left || right). RFC 6962 §2.1
 * Any byte lengths are hashed as given (as upstream does); callers that need 32-byte children check that themselves.
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireBytes(left, 'left');
  requireBytes(right, 'right');
  const input = hashInput(NODE_PREFIX, 1 + left.length + right.length);
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

// RFC 6962 §2.1 / RFC 9162 §2.1.1 hashing with SHA-256 and leaf/node domain separation. SHA-256 comes from
// sha256.ts: OpenSSL on Node, @noble/hashes in the browser (same bytes).
import { sha256 } from './sha256.js';

/** Prefix of a leaf hash input. RFC 6962 §2.1 */
export const LEAF_PREFIX = 0x00;
/** Prefix of an interior node hash input. RFC 6962 §2.1 */
export const NODE_PREFIX = 0x01;
/** Output size of SHA-256 in bytes. */
export const HASH_SIZE = 32;
/** MTH({}) = SHA-256() — the root of the empty tree. RFC 6962 §2.1 Shared: treat as read-only. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

/** MTH({d(0)}) = SHA-256(0x00 || d(0)). RFC 6962 §2.1 */
export function hashLeaf(data: Uint8Array): Uint8Array {
  requireBytes(data, 'data');
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/**
 * SHA-256(0x01 || left || right). RFC 6962 §2.1
 * Any byte lengths are hashed as given (as upstream does); callers that need 32-byte children check that themselves.
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireBytes(left, 'left');
  requireBytes(right, 'right');
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    // The hot path of appends: reuse one buffer (sha256 is synchronous and keeps no reference to its input).
    nodeInput.set(left, 1);
    nodeInput.set(right, 1 + HASH_SIZE);
    return sha256(nodeInput);
  }
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

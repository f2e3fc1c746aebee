// Verification of inclusion and consistency proofs. RFC 9162 §2.1.3.2 and §2.1.4.2, with the bit arithmetic of
// transparency-dev/merkle (proof/verify.go). Misuse — an argument of the wrong type, a non-integer index or size —
// throws TypeError. Everything a dishonest or broken log could send — wrong-length hashes, out-of-range or
// negative indices and sizes (including uint64 values past 2^53), proofs of the wrong length, altered bits —
// simply does not verify: false (or null for the root-computing functions).
// A proof binds the leaf index, but the tree size only through the root: as RFC 9162 §2.1.3.2 assumes, take size
// and root together from one verified checkpoint (signed tree head), never from separate sources.
import { bitLength, popCount, shiftRight, trailingZeros, xor } from './bits.js';
import { HASH_SIZE, hashChildren } from './hash.js';

/** A leaf index or tree size as received: a JS number, or a bigint for values decoded from uint64. */
export type Uint64Like = number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The value as a safe integer, or undefined when it is out of range (negative or ≥ 2^53). Throws on misuse. */
function toSafe(value: Uint64Like, name: string): number | undefined {
  if (typeof value === 'bigint') return value < 0n || value > MAX_SAFE ? undefined : Number(value);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer number or bigint, got ${String(value)}`);
  }
  return value < 0 || !Number.isSafeInteger(value) ? undefined : value;
}

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function requireProof(proof: readonly Uint8Array[]): void {
  if (!Array.isArray(proof)) throw new TypeError('proof must be an array of Uint8Array');
  for (let i = 0; i < proof.length; i++) {
    if (!(proof[i] instanceof Uint8Array)) throw new TypeError(`proof[${i}] must be a Uint8Array`);
  }
}

function allHashSized(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((hash) => hash.length === HASH_SIZE);
}

/** Byte equality (proof material is public, so no constant-time need). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Splits the inclusion proof of leaf `index` in a tree of `size` leaves where the paths to `index` and `size − 1`
 * diverge: `inner` siblings below that point, `border` left-hand nodes above it. Their sum is the proof length.
 */
function decomposeInclusion(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, size - 1));
  return { inner, border: popCount(shiftRight(index, inner)) };
}

/** Folds siblings below the border; bit i of `index` says on which side proof[i] sits. RFC 9162 §2.1.3.2 step 5 */
function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  let hash = seed;
  let position = index;
  for (const sibling of proof) {
    hash = position % 2 === 0 ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
    position = Math.floor(position / 2);
  }
  return hash;
}

/** Like chainInner, but only left-hand siblings: the hash of the same subtree in the older tree. RFC 9162 §2.1.4.2 */
function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  let hash = seed;
  let position = index;
  for (const sibling of proof) {
    if (position % 2 === 1) hash = hashChildren(sibling, hash);
    position = Math.floor(position / 2);
  }
  return hash;
}

/** Folds the left-hand nodes along the right border of the tree. */
function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let hash = seed;
  for (const left of proof) hash = hashChildren(left, hash);
  return hash;
}

/**
 * The root implied by an inclusion proof for `leafHash` at `index` in a tree of `size` leaves, or null when the
 * inputs cannot form a valid proof (index ≥ size, wrong lengths). RFC 9162 §2.1.3.2
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: Uint64Like,
  size: Uint64Like,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  requireBytes(leafHash, 'leafHash');
  requireProof(proof);
  const i = toSafe(index, 'index');
  const n = toSafe(size, 'size');
  if (i === undefined || n === undefined || i >= n) return null; // RFC 9162 §2.1.3.2 step 1
  if (leafHash.length !== HASH_SIZE || !allHashSized(proof)) return null;
  const { inner, border } = decomposeInclusion(i, n);
  if (proof.length !== inner + border) return null;
  const below = chainInner(leafHash, proof.slice(0, inner), i);
  return chainBorderRight(below, proof.slice(inner));
}

/** Whether `proof` shows that `leafHash` is leaf `index` of the tree of `size` leaves with `root`. RFC 9162 §2.1.3.2 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: Uint64Like,
  size: Uint64Like,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  requireBytes(root, 'root');
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  return computed !== null && root.length === HASH_SIZE && equalBytes(computed, root);
}

/**
 * The root of the tree of `size2` leaves implied by a consistency proof from the tree of `size1` leaves with
 * `root1`, or null when the proof does not verify against `root1`. RFC 9162 §2.1.4.2
 * As upstream: size1 = 0 never verifies; size1 = size2 needs the empty proof and yields root1 unchanged.
 */
export function rootFromConsistencyProof(
  size1: Uint64Like,
  size2: Uint64Like,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Uint8Array | null {
  requireProof(proof);
  requireBytes(root1, 'root1');
  const m = toSafe(size1, 'size1');
  const n = toSafe(size2, 'size2');
  if (m === undefined || n === undefined || m === 0 || m > n) return null;
  if (m === n) return proof.length === 0 ? root1 : null; // RFC 9162 §2.1.4.2 step 1 (the empty proof)
  if (proof.length === 0 || root1.length !== HASH_SIZE || !allHashSized(proof)) return null;

  // The proof is an inclusion proof of the largest perfect subtree ending at size1, at level `shift`;
  // its own hash comes first unless size1 is a power of two (then it is root1 itself). RFC 9162 §2.1.4.2 step 2
  const shift = trailingZeros(m);
  const { inner: fullInner, border } = decomposeInclusion(m - 1, n);
  const inner = fullInner - shift;
  const isPowerOfTwo = m === 2 ** shift;
  const seed = isPowerOfTwo ? root1 : (proof[0] as Uint8Array);
  const rest = isPowerOfTwo ? proof : proof.slice(1);
  if (rest.length !== inner + border) return null;

  const index = shiftRight(m - 1, shift);
  const innerNodes = rest.slice(0, inner);
  const borderNodes = rest.slice(inner);
  const hash1 = chainBorderRight(chainInnerRight(seed, innerNodes, index), borderNodes);
  if (!equalBytes(hash1, root1)) return null;
  return chainBorderRight(chainInner(seed, innerNodes, index), borderNodes);
}

/**
 * Whether `proof` shows that the tree of `size2` leaves with `root2` extends the tree of `size1` leaves with
 * `root1`. RFC 9162 §2.1.4.2
 */
export function verifyConsistency(
  size1: Uint64Like,
  size2: Uint64Like,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  requireBytes(root2, 'root2');
  const computed = rootFromConsistencyProof(size1, size2, proof, root1);
  return computed !== null && equalBytes(computed, root2);
}

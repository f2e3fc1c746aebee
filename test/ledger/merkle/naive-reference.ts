// A deliberately naive RFC 6962 §2.1 reference, written straight from the RFC text and independent of
// ledger/merkle: recursive MTH, PATH and SUBPROOF over an array of leaf hashes (memoised so property tests stay
// fast), plus the RFC 9162 §2.1.3.2 / §2.1.4.2 verification algorithms as the RFC words them (fn/sn loops).
// Test-only; sizes stay small enough for plain JavaScript bit operators.
import { sha256 } from '@noble/hashes/sha2.js';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** SHA-256(0x00 || data). RFC 6962 §2.1 */
export function naiveLeafHash(data: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), data));
}

/** SHA-256(0x01 || left || right). RFC 6962 §2.1 */
export function naiveNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The largest power of two smaller than n (n > 1). RFC 6962 §2.1 */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A tree over leaf hashes with the RFC's recursive definitions, D[lo:hi] addressed by range. */
export class NaiveTree {
  readonly #leaves: readonly Uint8Array[];
  readonly #memo = new Map<string, Uint8Array>();

  constructor(leafHashes: readonly Uint8Array[]) {
    this.#leaves = leafHashes;
  }

  get size(): number {
    return this.#leaves.length;
  }

  /** MTH(D[lo:hi]). RFC 6962 §2.1 */
  mth(lo = 0, hi = this.size): Uint8Array {
    const n = hi - lo;
    if (n === 0) return sha256(new Uint8Array(0));
    if (n === 1) return this.#leaves[lo] as Uint8Array;
    const key = `${lo}:${hi}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const k = splitPoint(n);
    const hash = naiveNodeHash(this.mth(lo, lo + k), this.mth(lo + k, hi));
    this.#memo.set(key, hash);
    return hash;
  }

  /** PATH(m, D[lo:hi]). RFC 6962 §2.1.1 */
  path(m: number, lo = 0, hi = this.size): Uint8Array[] {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** PROOF(m, D[n]) = SUBPROOF(m, D[n], true). RFC 6962 §2.1.2 */
  proof(m: number, n = this.size): Uint8Array[] {
    return this.#subproof(m, 0, n, true);
  }

  #subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = splitPoint(n);
    if (m <= k) return [...this.#subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.#subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}

/**
 * The same definitions over a huge tree whose leaves all have one hash: MTH(D[lo:hi]) then depends only on
 * hi − lo, which makes sizes up to 2^53 − 1 computable by the RFC recursion itself.
 */
export class UniformNaiveTree extends NaiveTree {
  readonly #leaf: Uint8Array;
  readonly #size: number;
  readonly #bySize = new Map<number, Uint8Array>();

  constructor(leafHash: Uint8Array, size: number) {
    super([]);
    this.#leaf = leafHash;
    this.#size = size;
  }

  override get size(): number {
    return this.#size;
  }

  override mth(lo = 0, hi = this.size): Uint8Array {
    const n = hi - lo;
    if (n === 0) return sha256(new Uint8Array(0));
    if (n === 1) return this.#leaf;
    const known = this.#bySize.get(n);
    if (known !== undefined) return known;
    const k = splitPoint(n);
    const hash = naiveNodeHash(this.mth(0, k), this.mth(k, n));
    this.#bySize.set(n, hash);
    return hash;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** RFC 9162 §2.1.3.2, step by step. */
export function naiveVerifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (sn === 0) return false;
    if ((fn & 1) === 1 || fn === sn) {
      r = naiveNodeHash(p, r);
      if ((fn & 1) === 0) while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = naiveNodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2, step by step (0 < first < second). */
export function naiveVerifyConsistency(
  first: number,
  second: number,
  consistencyPath: readonly Uint8Array[],
  firstHash: Uint8Array,
  secondHash: Uint8Array,
): boolean {
  if (consistencyPath.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...consistencyPath] : [...consistencyPath];
  let fn = first - 1;
  let sn = second - 1;
  while ((fn & 1) === 1) { fn >>= 1; sn >>= 1; }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if ((fn & 1) === 1 || fn === sn) {
      fr = naiveNodeHash(c, fr);
      sr = naiveNodeHash(c, sr);
      if ((fn & 1) === 0) while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      sr = naiveNodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return equal(fr, firstHash) && equal(sr, secondHash) && sn === 0;
}

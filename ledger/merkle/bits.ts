// Bit arithmetic on tree indices and sizes. JavaScript's bitwise operators truncate to 32 bits, but a log may grow
// past 2^32 leaves, so these helpers work on any non-negative safe integer (< 2^53) by splitting it into two 32-bit
// halves. Callers guarantee the precondition; nothing here validates (they sit on hot paths).

const TWO_32 = 0x1_0000_0000;

function hi32(n: number): number {
  return Math.floor(n / TWO_32);
}

function lo32(n: number): number {
  return n % TWO_32;
}

/** Number of bits needed to write `n` (0 for 0), like Go's bits.Len64. */
export function bitLength(n: number): number {
  const hi = hi32(n);
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(lo32(n));
}

/** Number of trailing zero bits of `n`; 64 for 0, like Go's bits.TrailingZeros64. */
export function trailingZeros(n: number): number {
  if (n === 0) return 64;
  const lo = lo32(n);
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = hi32(n);
  return 63 - Math.clz32(hi & -hi);
}

function popCount32(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Number of set bits of `n`. */
export function popCount(n: number): number {
  return popCount32(hi32(n)) + popCount32(lo32(n));
}

/** Bitwise XOR of two non-negative safe integers. */
export function xor(a: number, b: number): number {
  return ((hi32(a) ^ hi32(b)) >>> 0) * TWO_32 + ((lo32(a) ^ lo32(b)) >>> 0);
}

/** `n >> k` without 32-bit truncation. */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** `n << k` without 32-bit truncation (the caller keeps the result below 2^53). */
export function shiftLeft(n: number, k: number): number {
  return n * 2 ** k;
}

/** Whether bit `k` of `n` is set. */
export function bitAt(n: number, k: number): boolean {
  return shiftRight(n, k) % 2 === 1;
}

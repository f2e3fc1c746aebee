// Cheap byte-level checks on Ed25519 encodings, shared by the portable verifier (ed25519.ts) and the node:crypto
// fast path (ed25519-node.ts) so that both apply literally the same pre-checks. Pure, browser-safe, no curve
// arithmetic: comparisons against a handful of constants.

/** Ed25519 group order L = 2^252 + 27742317777372353535851937790883648493, little-endian (RFC 8032 §5.1). */
const L_LE = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/**
 * The canonical encodings of the eight points of order 1, 2, 4 and 8 (C2SP CCTV ed25519 README, "Low-order
 * edwards25519 point encodings"). Their non-canonical alternatives are caught by isCanonicalPoint instead.
 */
const SMALL_ORDER_HEX = [
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  '0100000000000000000000000000000000000000000000000000000000000000', // order 1 (identity)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
] as const;

const SMALL_ORDER: readonly Uint8Array[] = SMALL_ORDER_HEX.map((h) =>
  Uint8Array.from({ length: 32 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16)),
);

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const SEED_LENGTH = 32;

/** S < L, for the scalar half of a signature (bytes 32..63). RFC 8032 §5.1.7 step 1. */
export function isCanonicalScalar(sig: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const s = sig[32 + i]!;
    const l = L_LE[i]!;
    if (s !== l) return s < l;
  }
  return false; // S == L
}

/**
 * True when the 32 bytes at `offset` are the unique RFC 8032 §5.1.2 encoding of a y coordinate and sign:
 * y < p = 2^255 - 19, and no sign bit on x = 0 (which happens only for y = 1 and y = p - 1).
 * Does not check that the point is on the curve (decoding does that).
 */
export function isCanonicalPoint(b: Uint8Array, offset = 0): boolean {
  const top = b[offset + 31]! & 0x7f;
  const sign = b[offset + 31]! & 0x80;
  const low = b[offset]!;
  let midAllFF = true;
  let midAllZero = true;
  for (let i = 1; i < 31; i++) {
    const v = b[offset + i]!;
    if (v !== 0xff) midAllFF = false;
    if (v !== 0x00) midAllZero = false;
    if (!midAllFF && !midAllZero) return true; // cannot be ≥ p, cannot be 1 or p - 1
  }
  if (midAllFF && top === 0x7f) {
    if (low >= 0xed) return false; // y ≥ p
    if (low === 0xec && sign !== 0) return false; // y = p - 1 with x = -0
  }
  if (midAllZero && top === 0 && low === 1 && sign !== 0) return false; // y = 1 with x = -0
  return true;
}

/** True for the canonical encoding of one of the eight small-order points. */
export function isSmallOrderEncoding(pk: Uint8Array): boolean {
  outer: for (const p of SMALL_ORDER) {
    for (let i = 0; i < 32; i++) if (p[i] !== pk[i]) continue outer;
    return true;
  }
  return false;
}

/**
 * The byte-level half of our verification rule (see ed25519.ts), identical on both paths: lengths, a canonical,
 * non-small-order public key, a canonical R and S < L. A false here means "does not verify".
 */
export function passesPreChecks(sig: Uint8Array, publicKey: Uint8Array): boolean {
  return (
    sig.length === SIGNATURE_LENGTH &&
    publicKey.length === PUBLIC_KEY_LENGTH &&
    isCanonicalScalar(sig) &&
    isCanonicalPoint(sig, 0) &&
    isCanonicalPoint(publicKey, 0) &&
    !isSmallOrderEncoding(publicKey)
  );
}

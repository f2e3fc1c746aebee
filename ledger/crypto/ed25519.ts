// Ed25519 (RFC 8032), portable: @noble/curves for the curve, @noble/hashes for SHA-512. Browser-safe.
//
// THE RULE — one verification rule, applied identically here and by the node:crypto fast path (ed25519-node.ts),
// pinned by tests against RFC 8032, Wycheproof and C2SP CCTV vectors:
//
//   A signature (R ‖ S) on message M under public key A verifies iff
//     1. the signature is 64 bytes and A is 32 bytes;
//     2. A is the canonical encoding of a point (y < p, no "x = -0") — RFC 8032 §5.1.3 decoding, strict;
//     3. A is not one of the 8 small-order points (a small-order key lets its owner make one signature valid for
//        many messages, and node:crypto accepts such keys, so we block them by encoding);
//     4. R is a canonical encoding (RFC 8032 §5.1.7 / FIPS 186-5 require rejecting non-canonical R);
//     5. S < L (RFC 8032 §5.1.7: rejects malleable signatures S + nL);
//     6. the COFACTORLESS equation holds: encode([S]B − [k]A) = R bytes, with k = SHA-512(R ‖ A ‖ M) mod L.
//
// Why cofactorless: RFC 8032 §5.1.7 allows either equation ("sufficient, but not required"); OpenSSL (our fast
// path) implements the cofactorless one, and no cheap pre-check can make a cofactorless verifier agree with a
// cofactored one on signatures with small-order components (CCTV `low_order_residue`). So we take OpenSSL's
// equation everywhere and implement it on noble's point arithmetic here. It is also the equation of Go's
// crypto/ed25519 ("ref10" behaviour), which verifies our checkpoints downstream; Go is laxer on A (steps 2–3),
// so anything we sign, Go accepts. noble's own verify() is cofactored (it accepts CCTV `low_order_residue`
// vectors) and is therefore not used.
//
// On the CCTV vectors this rule rejects exactly the flags non_canonical_A, non_canonical_R, low_order_A and
// low_order_residue (and hence reencoded_k), and accepts the rest, including small-order R and keys with a
// low-order component (RFC 8032 is silent on those; both paths agree on them).
//
// Enrolment (checkPublicKey) applies the key half of the rule (2, 3, plus "decodes to a curve point") and, because
// enrolment is rare, additionally requires the key to lie in the prime-order subgroup (no torsion component):
// honest key generation never yields such keys. Verification does not re-check torsion (it would double the cost);
// this only matters for keys that bypassed enrolment, and both paths still agree on them.
//
// Error channels: a non-Uint8Array argument or a seed of the wrong length is misuse and throws TypeError/RangeError;
// a signature or key of the wrong length coming off the wire simply does not verify (returns false).
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { equalBytes } from '../encoding/bytes.js';
import { type Domain, domainMessage } from './domain.js';
import {
  PUBLIC_KEY_LENGTH,
  SEED_LENGTH,
  isCanonicalPoint,
  isSmallOrderEncoding,
  passesPreChecks,
} from './ed25519-encoding.js';

const Point = ed25519.Point;
const BASE = Point.BASE;

function assertBytes(v: unknown, field: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${field}: expected Uint8Array`);
}

function assertSeed(seed: unknown): asserts seed is Uint8Array {
  assertBytes(seed, 'seed');
  if (seed.length !== SEED_LENGTH) throw new RangeError(`seed: expected ${SEED_LENGTH} bytes, got ${seed.length}`);
}

/** The 32-byte public key A for a 32-byte secret seed (RFC 8032 §5.1.5). */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  assertSeed(seed);
  return ed25519.getPublicKey(seed);
}

/** Deterministic Ed25519 signature (RFC 8032 §5.1.6) of `msg` with the key derived from `seed`. */
export function sign(seed: Uint8Array, msg: Uint8Array): Uint8Array {
  assertSeed(seed);
  assertBytes(msg, 'msg');
  return ed25519.sign(msg, seed);
}

/** Verifies `sig` on `msg` under `publicKey` by THE RULE above. Returns false for anything that does not verify. */
export function verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(sig, 'sig');
  assertBytes(msg, 'msg');
  assertBytes(publicKey, 'publicKey');
  if (!passesPreChecks(sig, publicKey)) return false; // rule steps 1–5
  let A;
  try {
    A = Point.fromBytes(publicKey, false); // RFC 8032 §5.1.3 strict decoding; throws when not on the curve
  } catch {
    return false;
  }
  const R = sig.subarray(0, 32);
  const S = bytesToNumberLE(sig.subarray(32, 64));
  const k = Point.Fn.create(bytesToNumberLE(sha512.create().update(R).update(publicKey).update(msg).digest()));
  // RFC 8032 §5.1.7, cofactorless form: [S]B = R + [k]A  ⇔  encode([S]B − [k]A) = R (R canonical, step 4).
  const rCheck = BASE.multiplyUnsafe(S).subtract(A.multiplyUnsafe(k));
  return equalBytes(rCheck.toBytes(), R);
}

export type PublicKeyCheck = { ok: true } | { ok: false; reason: string };

/**
 * Enrolment policy for a device or party key: the key half of THE RULE plus prime-order subgroup membership.
 * Returns a reason for the first failure; throws TypeError only when `pk` is not a Uint8Array.
 */
export function checkPublicKey(pk: Uint8Array): PublicKeyCheck {
  assertBytes(pk, 'publicKey');
  if (pk.length !== PUBLIC_KEY_LENGTH) {
    return { ok: false, reason: `public key must be ${PUBLIC_KEY_LENGTH} bytes, got ${pk.length}` };
  }
  if (!isCanonicalPoint(pk)) return { ok: false, reason: 'public key is not a canonical point encoding' };
  if (isSmallOrderEncoding(pk)) return { ok: false, reason: 'public key is a small-order point' };
  let A;
  try {
    A = Point.fromBytes(pk, false);
  } catch {
    return { ok: false, reason: 'public key is not a point on edwards25519' };
  }
  if (!A.isTorsionFree()) return { ok: false, reason: 'public key has a small-order (torsion) component' };
  return { ok: true };
}

/** Signs `payload` in a signing domain: sign(seed, DOMAIN[domain] ‖ payload). */
export function signIn(domain: Domain, seed: Uint8Array, payload: Uint8Array): Uint8Array {
  return sign(seed, domainMessage(domain, payload));
}

/** Verifies a signature made with signIn for the same domain. */
export function verifyIn(domain: Domain, sig: Uint8Array, payload: Uint8Array, publicKey: Uint8Array): boolean {
  return verify(sig, domainMessage(domain, payload), publicKey);
}

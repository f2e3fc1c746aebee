// Ed25519 fast path for bulk verification (gateway telemetry, ledger replay) and for server-side signing, on one of
// two native engines: libsodium (libsodium.ts, the default where its binding loads; the faster) or node:crypto
// (OpenSSL). Node only. It follows THE RULE documented in ed25519.ts exactly: the byte-level steps (lengths,
// canonical non-small-order key, canonical R, S < L) run first, through the same functions the portable path uses,
// and the engine then checks the cofactorless equation — the equation both implement (they re-encode [S]B − [k]A
// and compare the bytes with R). OpenSSL on its own would accept small-order and some non-canonical public keys
// (see vectors/ed25519_verifier_behaviour.json); libsodium on its own would refuse a small-order R, which THE RULE
// accepts, so such signatures go to OpenSSL. The pre-checks and that hand-over are what make the verdicts identical,
// and the tests check that on every RFC 8032, Wycheproof and CCTV vector, for both engines.
import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { type Domain, domainMessage } from './domain.js';
import { type PublicKeyCheck, checkPublicKey } from './ed25519.js';
import { PUBLIC_KEY_LENGTH, SEED_LENGTH, isCanonicalPoint, isSmallOrderEncoding, passesPreChecks } from './ed25519-encoding.js';
import { type Sodium, libsodium } from './libsodium.js';
import { LruCache } from './lru-cache.js';

/** The native code that checks the equation: libsodium where its binding loads, else OpenSSL (node:crypto). */
export type Ed25519Engine = 'libsodium' | 'openssl';
export const ED25519_ENGINES: readonly Ed25519Engine[] = ['libsodium', 'openssl'];

/** libsodium when its binding loads on this platform, else openssl. */
export function defaultEngine(): Ed25519Engine {
  return libsodium() === undefined ? 'openssl' : 'libsodium';
}

function sodiumFor(engine: Ed25519Engine): Sodium | undefined {
  if (engine === 'openssl') return undefined;
  const sodium = libsodium();
  if (sodium === undefined) throw new Error('engine libsodium: the sodium-native binding did not load on this platform');
  return sodium;
}

// RFC 8410 §4 / §7: DER prefixes of an Ed25519 SubjectPublicKeyInfo and of a PKCS#8 OneAsymmetricKey.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const DEFAULT_CACHE_SIZE = 10_000;

function assertBytes(v: unknown, field: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${field}: expected Uint8Array`);
}

function cacheKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
}

export interface FastVerifierOptions {
  /** OpenSSL engine: how many public keys keep a ready KeyObject (least recently used evicted). Default 10,000. */
  readonly cacheSize?: number;
  /** Default: defaultEngine(). Naming libsodium where it cannot load throws. */
  readonly engine?: Ed25519Engine;
}

/**
 * Bulk Ed25519 verification, same verdicts as ed25519.ts `verify`: on libsodium (no per-key state), or on OpenSSL
 * with one cached KeyObject per public key (also used for a small-order R on the libsodium engine).
 */
export class FastVerifier {
  // null marks a key OpenSSL refused to import, so a flood of one bad key costs one import.
  readonly #keys: LruCache<string, KeyObject | null>;
  readonly #sodium: Sodium | undefined;
  readonly engine: Ed25519Engine;

  constructor(opts: FastVerifierOptions = {}) {
    this.#keys = new LruCache(opts.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.engine = opts.engine ?? defaultEngine();
    this.#sodium = sodiumFor(this.engine);
  }

  #keyObject(publicKey: Uint8Array): KeyObject | null {
    const id = cacheKey(publicKey);
    let key = this.#keys.get(id);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
      } catch {
        key = null;
      }
      this.#keys.set(id, key);
    }
    return key;
  }

  verify(sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean {
    assertBytes(sig, 'sig');
    assertBytes(msg, 'msg');
    assertBytes(publicKey, 'publicKey');
    if (!passesPreChecks(sig, publicKey)) return false; // THE RULE steps 1–5 (ed25519.ts)
    // Step 6 on libsodium, except for a small-order R (sig[0..32)), which libsodium alone would refuse.
    if (this.#sodium !== undefined && !isSmallOrderEncoding(sig)) return this.#sodium.crypto_sign_verify_detached(sig, msg, publicKey);
    const key = this.#keyObject(publicKey);
    if (key === null) return false;
    try {
      return nodeVerify(null, msg, key, sig); // step 6: cofactorless equation, RFC 8032 §5.1.7
    } catch {
      return false;
    }
  }

  verifyIn(domain: Domain, sig: Uint8Array, payload: Uint8Array, publicKey: Uint8Array): boolean {
    return this.verify(sig, domainMessage(domain, payload), publicKey);
  }
}

const signingKeys = new LruCache<string, KeyObject>(256);
const sodiumSecretKeys = new LruCache<string, Uint8Array>(256);

/**
 * RFC 8032 signature on the default engine (or the one named), byte-identical to ed25519.ts `sign` (Ed25519 signing
 * is deterministic); caches the engine's private key per seed.
 */
export function signFast(seed: Uint8Array, msg: Uint8Array, engine: Ed25519Engine = defaultEngine()): Uint8Array {
  assertBytes(seed, 'seed');
  assertBytes(msg, 'msg');
  if (seed.length !== SEED_LENGTH) throw new RangeError(`seed: expected ${SEED_LENGTH} bytes, got ${seed.length}`);
  const id = cacheKey(seed);
  const sodium = sodiumFor(engine);
  if (sodium !== undefined) {
    let secretKey = sodiumSecretKeys.get(id);
    if (secretKey === undefined) {
      secretKey = new Uint8Array(64); // libsodium's form: seed ‖ public key
      sodium.crypto_sign_seed_keypair(new Uint8Array(32), secretKey, seed);
      sodiumSecretKeys.set(id, secretKey);
    }
    const sig = new Uint8Array(64);
    sodium.crypto_sign_detached(sig, msg, secretKey);
    return sig;
  }
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    signingKeys.set(id, key);
  }
  const sig = nodeSign(null, msg, key);
  return new Uint8Array(sig.buffer, sig.byteOffset, sig.length);
}

/**
 * ed25519.ts `checkPublicKey` (the enrolment rule), with libsodium's crypto_core_ed25519_is_valid_point as a
 * shortcut to "ok": it accepts only canonical encodings of curve points in the prime-order subgroup that are not of
 * small order, and with the byte-level checks here that is every condition of the rule (about 1 ms of @noble/curves
 * arithmetic per key otherwise, which a replay pays once per enrolment). Anything it does not accept goes to the
 * portable check, which decides and gives the reason, so the verdicts are the portable ones by construction.
 */
export function checkPublicKeyFast(pk: Uint8Array): PublicKeyCheck {
  assertBytes(pk, 'publicKey');
  const sodium = libsodium();
  if (sodium !== undefined && pk.length === PUBLIC_KEY_LENGTH && isCanonicalPoint(pk) && !isSmallOrderEncoding(pk) && sodium.crypto_core_ed25519_is_valid_point(pk)) {
    return { ok: true };
  }
  return checkPublicKey(pk);
}

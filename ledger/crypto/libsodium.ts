// libsodium (through the maintained `sodium-native` binding, prebuilt for the usual platforms) as the faster engine
// of the server's Ed25519 fast path. Measured on the 2-core AMD EPYC VM of BENCHMARKS.md (tight loops over 3,000
// messages, alternating, medians of 7): verification 49 µs against 85 µs for OpenSSL through node:crypto with a
// cached key object, signing 27 against 47 µs — and signature checks are what the replay, telemetry and pipeline
// targets are bounded by. Node only; loaded lazily and optional: where the binding
// cannot load, the fast path stays on OpenSSL (ed25519-node.ts), with the same verdicts.
//
// libsodium's crypto_sign_verify_detached checks the cofactorless equation by re-encoding [S]B − [k]A and comparing
// the bytes with R — THE RULE's step 6 (ed25519.ts) — after its own refusals: S ≥ L, a non-canonical or small-order
// A, and a small-order R. The first two are THE RULE's steps 2, 3 and 5 as well; a small-order R is not refused by
// THE RULE, so ed25519-node.ts hands those (rare) signatures to OpenSSL. The tests run every vector on both engines.
import { createRequire } from 'node:module';

/** The functions of sodium-native this project calls (its own typings are for an older major version). */
export interface Sodium {
  /** Canonical encoding of a curve point in the prime-order subgroup, not of small order. */
  crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
}

let loaded: { readonly sodium: Sodium | undefined; readonly error: string | undefined } | undefined;

function load(): NonNullable<typeof loaded> {
  if (loaded === undefined) {
    try {
      const sodium = createRequire(import.meta.url)('sodium-native') as Sodium;
      loaded = typeof sodium.crypto_sign_verify_detached === 'function'
        ? { sodium, error: undefined }
        : { sodium: undefined, error: 'sodium-native has no crypto_sign_verify_detached' };
    } catch (e) {
      loaded = { sodium: undefined, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return loaded;
}

/** The binding, or undefined where it cannot load on this platform. */
export function libsodium(): Sodium | undefined {
  return load().sodium;
}

/** Why the binding did not load (for a log line), or undefined when it did. */
export function libsodiumLoadError(): string | undefined {
  return load().error;
}

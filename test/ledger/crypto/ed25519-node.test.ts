import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { ED25519_ENGINES, FastVerifier, checkPublicKeyFast, defaultEngine, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { checkPublicKey, publicKeyFromSeed, sign, verify } from '../../../ledger/crypto/ed25519.js';
import { libsodium } from '../../../ledger/crypto/libsodium.js';
import { fromHex, toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import { withVectors } from '../../support/vectors.js';
import { type Rfc8032File, cctvCases, disagreements, withEd25519Cases } from './ed25519-cases.js';

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i] = out[i]! ^ (1 << (bit % 8));
  return out;
}

describe('ledger/crypto/ed25519-node (native fast path)', () => {
  it('When no engine is named, then libsodium is used where its binding loads, else OpenSSL', () => {
    assert.equal(defaultEngine(), libsodium() === undefined ? 'openssl' : 'libsodium');
    assert.equal(new FastVerifier().engine, defaultEngine());
  });

  withVectors<{ number: number; key: string; sig: string; msg: string; flags: string[] | null }[]>('cctv_ed25519vectors.json', 'libsodium and a small-order R', (v) => {
    it('When R is a small-order point, then libsodium alone refuses what THE RULE accepts, and the fast path hands it to OpenSSL', function () {
      const sodium = libsodium();
      if (sodium === undefined) return this.skip(); // the binding did not load here: nothing to hand over
      const cases = cctvCases(v.filter((t) => (t.flags ?? []).includes('low_order_R'))).filter((c) => c.expected);
      assert.ok(cases.length > 0, 'the CCTV file has accepted low_order_R cases');
      const fast = new FastVerifier({ engine: 'libsodium' });
      for (const c of cases) {
        assert.equal(sodium.crypto_sign_verify_detached(c.sig, c.msg, c.publicKey), false, c.id);
        assert.equal(fast.verify(c.sig, c.msg, c.publicKey), true, c.id);
      }
    });
  });
});

describe('ledger/crypto/ed25519-node checkPublicKeyFast (enrolment rule)', () => {
  // A prime-order key plus an order-8 point: canonical, not small-order, on the curve, with a torsion component.
  const mixed = ed25519.Point.fromBytes(publicKeyFromSeed(new Uint8Array(32).fill(9)))
    .add(ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')))
    .toBytes();

  it('When keys are honest, random bytes, small-order, off-curve or mixed-order, then the verdict and reason are the portable ones', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed, bytes) => {
      for (const k of [publicKeyFromSeed(seed), bytes]) assert.deepEqual(checkPublicKeyFast(k), checkPublicKey(k), toHex(k));
    }), { numRuns: 300 });
    for (const hex of ['00', '0100000000000000000000000000000000000000000000000000000000000000', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      '0100000000000000000000000000000000000000000000000000000000000080', '0200000000000000000000000000000000000000000000000000000000000000', toHex(mixed)]) {
      assert.deepEqual(checkPublicKeyFast(fromHex(hex)), checkPublicKey(fromHex(hex)), hex);
      assert.equal(checkPublicKeyFast(fromHex(hex)).ok, false, hex);
    }
  });

  withEd25519Cases('checkPublicKeyFast', (cases, file) => {
    it(`When every ${file} vector's key is checked, then the verdict and reason are the portable ones`, () => {
      for (const c of cases) assert.deepEqual(checkPublicKeyFast(c.publicKey), checkPublicKey(c.publicKey), c.id);
    });
  });

  it('When libsodium loads, then it accepts honest keys itself (the shortcut is taken) and refuses a mixed-order key', function () {
    const sodium = libsodium();
    if (sodium === undefined) return this.skip();
    assert.equal(sodium.crypto_core_ed25519_is_valid_point(publicKeyFromSeed(new Uint8Array(32).fill(4))), true);
    assert.equal(sodium.crypto_core_ed25519_is_valid_point(mixed), false);
  });
});

for (const engine of ED25519_ENGINES) describe(`ledger/crypto/ed25519-node on ${engine}`, () => {
  before(function () {
    if (engine === 'libsodium' && libsodium() === undefined) {
      console.log('    skipped: the sodium-native binding did not load on this platform');
      this.skip();
    }
  });

  withEd25519Cases(`fast verify (${engine})`, (cases, file) => {
    it(`When every ${file} vector (${cases.length}) is verified, then the verdict matches THE RULE`, () => {
      const fast = new FastVerifier({ cacheSize: 64, engine });
      assert.deepEqual(disagreements(cases, (c) => fast.verify(c.sig, c.msg, c.publicKey)), []);
    });

    it(`When every ${file} vector is verified on both paths, then they agree case by case`, () => {
      const fast = new FastVerifier({ engine });
      const differ = cases
        .filter((c) => fast.verify(c.sig, c.msg, c.publicKey) !== verify(c.sig, c.msg, c.publicKey))
        .map((c) => c.id);
      assert.deepEqual(differ, []);
    });
  });

  withVectors<Rfc8032File>('rfc8032_ed25519.json', `signFast (${engine}) on RFC 8032 §7.1`, (v) => {
    it('When each RFC 8032 seed signs with signFast, then the signature is byte-identical to the RFC and to the portable path', () => {
      for (const t of v.vectors) {
        const seed = fromHex(t.secretSeedHex);
        const msg = fromHex(t.messageHex);
        assert.equal(toHex(signFast(seed, msg, engine)), t.signatureHex, t.name);
        assert.equal(toHex(signFast(seed, msg, engine)), toHex(sign(seed, msg)), t.name);
      }
    });
  });

  it('When random key pairs sign on either path, then both paths verify, and one flipped bit fails on both', () => {
    const fast = new FastVerifier({ cacheSize: 8, engine });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (seed, msg, bit) => {
        const pk = publicKeyFromSeed(seed);
        const sig = signFast(seed, msg, engine);
        assert.equal(toHex(sig), toHex(sign(seed, msg)));
        assert.equal(fast.verify(sig, msg, pk), true);
        const tampered: [Uint8Array, Uint8Array, Uint8Array][] = [
          [flipBit(sig, bit % 512), msg, pk],
          [sig, flipBit(msg, bit), pk],
          [sig, msg, flipBit(pk, bit % 256)],
        ];
        for (const [s, m, k] of tampered) {
          assert.equal(fast.verify(s, m, k), false);
          assert.equal(verify(s, m, k), false);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('When more keys are seen than the cache holds, then verdicts stay correct (evicted keys are rebuilt)', () => {
    const fast = new FastVerifier({ cacheSize: 2, engine });
    const pairs = [1, 2, 3, 4].map((n) => {
      const seed = new Uint8Array(32).fill(n);
      const msg = utf8(`m${n}`);
      return { pk: publicKeyFromSeed(seed), msg, sig: signFast(seed, msg, engine) };
    });
    for (let round = 0; round < 3; round++) {
      for (const p of pairs) assert.equal(fast.verify(p.sig, p.msg, p.pk), true);
      assert.equal(fast.verify(pairs[0]!.sig, pairs[1]!.msg, pairs[0]!.pk), false);
    }
  });

  it('When the key is not a curve point or lengths are wrong, then fast verify returns false; non-bytes throw', () => {
    const fast = new FastVerifier({ engine });
    const offCurve = fromHex('0200000000000000000000000000000000000000000000000000000000000000');
    assert.equal(fast.verify(new Uint8Array(64), utf8('x'), offCurve), false);
    assert.equal(fast.verify(new Uint8Array(64), utf8('x'), offCurve), false); // cached refusal
    assert.equal(fast.verify(new Uint8Array(63), utf8('x'), publicKeyFromSeed(new Uint8Array(32))), false);
    assert.throws(() => fast.verify(new Uint8Array(64), 'x' as unknown as Uint8Array, offCurve), { name: 'TypeError', message: /msg/ });
    assert.throws(() => signFast(new Uint8Array(16), utf8('x'), engine), { name: 'RangeError', message: /seed/ });
  });

  it('When verifying in a domain, then FastVerifier#verifyIn agrees with the portable verifyIn', () => {
    const seed = new Uint8Array(32).fill(5);
    const pk = publicKeyFromSeed(seed);
    const payload = utf8('{"a":1}');
    const sig = sign(seed, utf8('ledgerhouse/v1/anchor\n{"a":1}'));
    const fast = new FastVerifier({ engine });
    assert.equal(fast.verifyIn('anchor', sig, payload, pk), true);
    assert.equal(fast.verifyIn('webhook', sig, payload, pk), false);
  });
});

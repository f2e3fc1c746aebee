import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FastVerifier, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed, sign, verify } from '../../../ledger/crypto/ed25519.js';
import { fromHex, toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import { withVectors } from '../../support/vectors.js';
import { type Rfc8032File, disagreements, withEd25519Cases } from './ed25519-cases.js';

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i] = out[i]! ^ (1 << (bit % 8));
  return out;
}

describe('ledger/crypto/ed25519-node (node:crypto fast path)', () => {
  withEd25519Cases('fast verify', (cases, file) => {
    it(`When every ${file} vector (${cases.length}) is verified, then the verdict matches THE RULE`, () => {
      const fast = new FastVerifier({ cacheSize: 64 });
      assert.deepEqual(disagreements(cases, (c) => fast.verify(c.sig, c.msg, c.publicKey)), []);
    });

    it(`When every ${file} vector is verified on both paths, then they agree case by case`, () => {
      const fast = new FastVerifier();
      const differ = cases
        .filter((c) => fast.verify(c.sig, c.msg, c.publicKey) !== verify(c.sig, c.msg, c.publicKey))
        .map((c) => c.id);
      assert.deepEqual(differ, []);
    });
  });

  withVectors<Rfc8032File>('rfc8032_ed25519.json', 'signFast on RFC 8032 §7.1', (v) => {
    it('When each RFC 8032 seed signs with signFast, then the signature is byte-identical to the RFC and to the portable path', () => {
      for (const t of v.vectors) {
        const seed = fromHex(t.secretSeedHex);
        const msg = fromHex(t.messageHex);
        assert.equal(toHex(signFast(seed, msg)), t.signatureHex, t.name);
        assert.equal(toHex(signFast(seed, msg)), toHex(sign(seed, msg)), t.name);
      }
    });
  });

  it('When random key pairs sign on either path, then both paths verify, and one flipped bit fails on both', () => {
    const fast = new FastVerifier({ cacheSize: 8 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (seed, msg, bit) => {
        const pk = publicKeyFromSeed(seed);
        const sig = signFast(seed, msg);
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
    const fast = new FastVerifier({ cacheSize: 2 });
    const pairs = [1, 2, 3, 4].map((n) => {
      const seed = new Uint8Array(32).fill(n);
      const msg = utf8(`m${n}`);
      return { pk: publicKeyFromSeed(seed), msg, sig: signFast(seed, msg) };
    });
    for (let round = 0; round < 3; round++) {
      for (const p of pairs) assert.equal(fast.verify(p.sig, p.msg, p.pk), true);
      assert.equal(fast.verify(pairs[0]!.sig, pairs[1]!.msg, pairs[0]!.pk), false);
    }
  });

  it('When the key is not a curve point or lengths are wrong, then fast verify returns false; non-bytes throw', () => {
    const fast = new FastVerifier();
    const offCurve = fromHex('0200000000000000000000000000000000000000000000000000000000000000');
    assert.equal(fast.verify(new Uint8Array(64), utf8('x'), offCurve), false);
    assert.equal(fast.verify(new Uint8Array(64), utf8('x'), offCurve), false); // cached refusal
    assert.equal(fast.verify(new Uint8Array(63), utf8('x'), publicKeyFromSeed(new Uint8Array(32))), false);
    assert.throws(() => fast.verify(new Uint8Array(64), 'x' as unknown as Uint8Array, offCurve), { name: 'TypeError', message: /msg/ });
    assert.throws(() => signFast(new Uint8Array(16), utf8('x')), { name: 'RangeError', message: /seed/ });
  });

  it('When verifying in a domain, then FastVerifier#verifyIn agrees with the portable verifyIn', () => {
    const seed = new Uint8Array(32).fill(5);
    const pk = publicKeyFromSeed(seed);
    const payload = utf8('{"a":1}');
    const sig = sign(seed, utf8('ledgerhouse/v1/anchor\n{"a":1}'));
    const fast = new FastVerifier();
    assert.equal(fast.verifyIn('anchor', sig, payload, pk), true);
    assert.equal(fast.verifyIn('webhook', sig, payload, pk), false);
  });
});

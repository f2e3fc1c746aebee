import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  checkPublicKey,
  publicKeyFromSeed,
  sign,
  signIn,
  verify,
  verifyIn,
} from '../../../ledger/crypto/ed25519.js';
import { domainMessage } from '../../../ledger/crypto/domain.js';
import { fromHex, toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import { withVectors } from '../../support/vectors.js';
import { type Rfc8032File, cctvCases, disagreements, withEd25519Cases } from './ed25519-cases.js';

const seed32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i] = out[i]! ^ (1 << (bit % 8));
  return out;
}

describe('ledger/crypto/ed25519 (portable)', () => {
  withVectors<Rfc8032File>('rfc8032_ed25519.json', 'RFC 8032 §7.1 key generation and signing', (v) => {
    it('When each RFC 8032 seed is used, then the public key and the signature are byte-identical to the RFC', () => {
      for (const t of v.vectors) {
        const seed = fromHex(t.secretSeedHex);
        assert.equal(toHex(publicKeyFromSeed(seed)), t.publicKeyHex, t.name);
        assert.equal(toHex(sign(seed, fromHex(t.messageHex))), t.signatureHex, t.name);
      }
    });
  });

  withEd25519Cases('portable verify', (cases, file) => {
    it(`When every ${file} vector (${cases.length}) is verified, then the verdict matches THE RULE`, () => {
      assert.deepEqual(disagreements(cases, (c) => verify(c.sig, c.msg, c.publicKey)), []);
    });
  });

  withVectors<Parameters<typeof cctvCases>[0]>('cctv_ed25519vectors.json', 'cofactorless versus cofactored', (v) => {
    it('When noble\'s cofactored verify (zip215:false) and our rule disagree on CCTV, then only low_order_residue cases differ', () => {
      const raw = new Map(v.map((t) => [t.number, t.flags ?? []]));
      const differing = cctvCases(v).filter(
        (c) => ed25519.verify(c.sig, c.msg, c.publicKey, { zip215: false }) !== verify(c.sig, c.msg, c.publicKey),
      );
      assert.ok(differing.length > 0, 'expected the cofactored equation to accept some residue vectors');
      for (const c of differing) {
        const n = Number(/#(\d+)/.exec(c.id)![1]);
        assert.ok(raw.get(n)!.includes('low_order_residue'), c.id);
        assert.equal(verify(c.sig, c.msg, c.publicKey), false, c.id);
      }
    });
  });

  it('When a key pair signs random messages, then the signature verifies, and one flipped bit in sig, msg or key fails', () => {
    fc.assert(
      fc.property(seed32, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (seed, msg, bit) => {
        const pk = publicKeyFromSeed(seed);
        const sig = sign(seed, msg);
        assert.equal(verify(sig, msg, pk), true);
        assert.equal(verify(flipBit(sig, bit % 512), msg, pk), false);
        assert.equal(verify(sig, flipBit(msg, bit), pk), false);
        assert.equal(verify(sig, msg, flipBit(pk, bit % 256)), false);
      }),
      { numRuns: 25 },
    );
  });

  it('When a signature or key has the wrong length, then verify returns false; non-bytes throw TypeError', () => {
    const seed = new Uint8Array(32).fill(1);
    const pk = publicKeyFromSeed(seed);
    const sig = sign(seed, utf8('m'));
    assert.equal(verify(sig.subarray(0, 63), utf8('m'), pk), false);
    assert.equal(verify(new Uint8Array([...sig, 0]), utf8('m'), pk), false);
    assert.equal(verify(sig, utf8('m'), pk.subarray(0, 31)), false);
    assert.throws(() => verify('x' as unknown as Uint8Array, utf8('m'), pk), { name: 'TypeError', message: /sig/ });
    assert.throws(() => sign(new Uint8Array(31), utf8('m')), { name: 'RangeError', message: /seed/ });
    assert.throws(() => publicKeyFromSeed([1] as unknown as Uint8Array), { name: 'TypeError', message: /seed/ });
  });

  it('When keys are enrolled, then wrong length, non-canonical, small-order, off-curve and torsion keys are refused with a reason', () => {
    const good = publicKeyFromSeed(new Uint8Array(32).fill(9));
    assert.deepEqual(checkPublicKey(good), { ok: true });
    const refuse = (hex: string, reason: RegExp): void => {
      const r = checkPublicKey(fromHex(hex));
      assert.equal(r.ok, false, hex);
      if (!r.ok) assert.match(r.reason, reason, hex);
    };
    refuse('00', /32 bytes/);
    refuse('0100000000000000000000000000000000000000000000000000000000000000', /small-order/); // identity
    refuse('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', /small-order/); // order 2
    refuse('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', /small-order/); // order 8
    refuse('0100000000000000000000000000000000000000000000000000000000000080', /canonical/); // x = -0
    refuse('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', /canonical/); // y = p
    refuse('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', /canonical/); // y = p-1, x = -0
    refuse('0200000000000000000000000000000000000000000000000000000000000000', /not a point/); // y = 2 off-curve
    // A prime-order key plus an order-8 point: canonical and not small-order, but has a torsion component.
    const mixed = ed25519.Point.fromBytes(good)
      .add(ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')))
      .toBytes();
    refuse(toHex(mixed), /torsion/);
  });

  it('When a payload is signed in one domain, then it verifies only in that domain', () => {
    const seed = new Uint8Array(32).fill(3);
    const pk = publicKeyFromSeed(seed);
    const payload = utf8('{"seq":1}');
    const sig = signIn('reading', seed, payload);
    assert.equal(verifyIn('reading', sig, payload, pk), true);
    assert.equal(verifyIn('tx', sig, payload, pk), false);
    assert.equal(verify(sig, payload, pk), false);
    assert.equal(verify(sig, domainMessage('reading', payload), pk), true);
  });
});

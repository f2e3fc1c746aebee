import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import {
  isCanonicalPoint,
  isCanonicalScalar,
  isSmallOrderEncoding,
  passesPreChecks,
} from '../../../ledger/crypto/ed25519-encoding.js';
import { fromHex } from '../../../ledger/encoding/bytes.js';

const P = 2n ** 255n - 19n;
const L = ed25519.Point.Fn.ORDER;

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

describe('ledger/crypto/ed25519-encoding', () => {
  it('When S is compared with L, then exactly S < L passes (RFC 8032 §5.1.7)', () => {
    const sig = (s: bigint): Uint8Array => new Uint8Array([...new Uint8Array(32), ...le32(s)]);
    assert.equal(isCanonicalScalar(sig(0n)), true);
    assert.equal(isCanonicalScalar(sig(L - 1n)), true);
    assert.equal(isCanonicalScalar(sig(L)), false);
    assert.equal(isCanonicalScalar(sig(L + 1n)), false);
    assert.equal(isCanonicalScalar(sig(2n ** 256n - 1n)), false);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (s) => assert.equal(isCanonicalScalar(sig(s)), s < L)),
      { numRuns: 300 },
    );
  });

  it('When encodings are checked, then canonical means y < p and no sign bit on x = 0, as noble\'s strict decoder says', () => {
    const noble = (b: Uint8Array): boolean => {
      try {
        ed25519.Point.fromBytes(b, false);
        return true;
      } catch {
        return false;
      }
    };
    const edge = [0n, 1n, 2n, P - 2n, P - 1n, P, P + 1n, P + 18n];
    for (const y of edge) {
      for (const sign of [0, 0x80]) {
        const b = le32(y);
        b[31] = b[31]! | sign;
        // Every canonical encoding noble decodes; every non-canonical one it refuses.
        if (noble(b)) assert.equal(isCanonicalPoint(b), true, `y=${y} sign=${sign}`);
        if (!isCanonicalPoint(b)) assert.equal(noble(b), false, `y=${y} sign=${sign}`);
      }
    }
    assert.equal(isCanonicalPoint(le32(P)), false);
    assert.equal(isCanonicalPoint(fromHex('0100000000000000000000000000000000000000000000000000000000000080')), false);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const y = bytesToNumberLE(b) & (2n ** 255n - 1n);
        if (y >= P) assert.equal(isCanonicalPoint(b), false);
        else if (noble(b)) assert.equal(isCanonicalPoint(b), true);
      }),
      { numRuns: 300 },
    );
  });

  it('When the eight small-order points are generated from the curve, then the blocklist matches exactly them', () => {
    // The 8-torsion subgroup: multiples of an order-8 point.
    const T = ed25519.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
    let p = ed25519.Point.ZERO;
    for (let i = 0; i < 8; i++) {
      assert.equal(isSmallOrderEncoding(p.toBytes()), true, `${i}·T`);
      p = p.add(T);
    }
    assert.equal(isSmallOrderEncoding(ed25519.Point.BASE.toBytes()), false);
  });

  it('When lengths are wrong, then the pre-checks fail without throwing', () => {
    const pk = ed25519.Point.BASE.toBytes();
    assert.equal(passesPreChecks(new Uint8Array(64), pk), true);
    assert.equal(passesPreChecks(new Uint8Array(63), pk), false);
    assert.equal(passesPreChecks(new Uint8Array(64), pk.subarray(1)), false);
  });
});

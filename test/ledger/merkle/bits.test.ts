import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitAt, bitLength, popCount, shiftLeft, shiftRight, trailingZeros, xor } from '../../../ledger/merkle/bits.js';

const safe = fc.oneof(
  fc.integer({ min: 0, max: 1 << 20 }),
  fc.maxSafeNat(),
  fc.integer({ min: 0, max: 53 }).map((k) => 2 ** k),
  fc.integer({ min: 1, max: 53 }).map((k) => 2 ** k - 1),
);

describe('ledger/merkle/bits', () => {
  it('When any safe integer is measured, then bitLength, trailingZeros and popCount agree with BigInt', () => {
    fc.assert(
      fc.property(safe, (n) => {
        const big = BigInt(n);
        assert.equal(bitLength(n), big.toString(2).replace(/^0$/, '').length);
        const binary = big.toString(2);
        assert.equal(popCount(n), [...binary].filter((c) => c === '1').length);
        assert.equal(trailingZeros(n), n === 0 ? 64 : binary.length - 1 - binary.lastIndexOf('1'));
      }),
      { numRuns: 500 },
    );
  });

  it('When two safe integers are combined, then xor and the shifts agree with BigInt', () => {
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 0, max: 53 }), (a, b, k) => {
        assert.equal(xor(a, b), Number(BigInt(a) ^ BigInt(b)));
        assert.equal(shiftRight(a, k), Number(BigInt(a) >> BigInt(k)));
        assert.equal(bitAt(a, k), ((BigInt(a) >> BigInt(k)) & 1n) === 1n);
        const small = shiftRight(a, k);
        assert.equal(shiftLeft(small, k), Number(BigInt(small) << BigInt(k)));
      }),
      { numRuns: 500 },
    );
  });

  it('When the 2^53 − 1 edge is used, then bitLength is 53 (where Math.log2 would round up)', () => {
    assert.equal(bitLength(Number.MAX_SAFE_INTEGER), 53);
    assert.equal(bitLength(2 ** 52), 53);
    assert.equal(bitLength(2 ** 52 - 1), 52);
    assert.equal(trailingZeros(2 ** 52), 52);
  });
});

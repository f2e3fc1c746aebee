import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDecimal, parseDecimal } from '../../contracts/decimal.js';
import { formatQuantity, MAX_QUANTITY_UNITS, parseQuantity } from '../../contracts/quantity.js';
import { timeValue } from '../../contracts/time.js';
import { objectId } from '../../contracts/ids.js';

describe('contracts: exact decimals, times and ids', () => {
  it('When any in-range amount is formatted and parsed back, then the units are unchanged', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: MAX_QUANTITY_UNITS }), fc.integer({ min: 0, max: 3 }), (u, scale) => {
      assert.equal(parseDecimal(formatDecimal(u, scale), scale, MAX_QUANTITY_UNITS), u);
    }), { numRuns: 200 });
  });
  it('When a quantity is parsed, then problems are told apart', () => {
    assert.equal(parseDecimal('1.5', 0, 10n), 'scale');
    assert.equal(parseDecimal('0.00', 2, 10n), 'zero');
    assert.equal(parseDecimal('+1', 2, 10n), 'format');
    assert.equal(parseDecimal('0.11', 2, 10n), 'overflow');
    assert.equal(parseDecimal('0.10', 2, 10n), 10n);
  });
  it('When the bound is reached exactly, then it is accepted, and one unit more overflows', () => {
    assert.ok(parseQuantity(formatQuantity(MAX_QUANTITY_UNITS, 'kg'), 'kg', '/q').ok);
    const over = parseQuantity(formatQuantity(MAX_QUANTITY_UNITS + 1n, 'kg'), 'kg', '/q');
    assert.equal(over.ok ? 'ok' : over.error.code, 'QUANTITY_OVERFLOW');
  });
  it('When times are compared, then fractions count and impossible dates are refused', () => {
    assert.ok((timeValue('2026-01-01T00:00:00.5Z') ?? 0n) > (timeValue('2026-01-01T00:00:00Z') ?? 0n));
    assert.equal(timeValue('2026-02-29T00:00:00Z'), undefined);
    assert.equal(timeValue('2026-01-01T24:00:00Z'), undefined);
    assert.equal(timeValue('2026-01-01T00:00:00+01:00'), undefined);
  });
  it('When ids are made from indices, then they are zero padded and sort by creation', () => {
    assert.equal(objectId('rc', 42), 'rc-000000000042');
    assert.equal(objectId('rc', 42, 3), 'rc-000000000042-03');
    fc.assert(fc.property(fc.nat(1e11), fc.nat(1e11), (a, b) => {
      const [x, y] = [objectId('pl', a), objectId('pl', b)];
      assert.equal(x < y, a < b);
    }), { numRuns: 200 });
    assert.ok(objectId('rc', 7) < objectId('rc', 7, 1) && objectId('rc', 7, 9) < objectId('rc', 7, 10) && objectId('rc', 7, 99) < objectId('rc', 8));
  });
});

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { concatBytes, equalBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from '../../../ledger/encoding/bytes.js';

const nodeBase64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

describe('ledger/encoding/bytes', () => {
  it('When bytes are hex-encoded, then the text is lowercase and decodes back', () => {
    assert.equal(toHex(Uint8Array.of(0, 1, 0xab, 0xff)), '0001abff');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        assert.equal(toHex(b), Buffer.from(b).toString('hex'));
        assert.deepEqual(fromHex(toHex(b)), b);
        assert.deepEqual(fromHex(toHex(b).toUpperCase()), b);
      }),
      { numRuns: 200 },
    );
  });

  it('When hex has odd length or a non-hex character, then fromHex throws a TypeError naming the field', () => {
    assert.throws(() => fromHex('abc', 'rootHash'), { name: 'TypeError', message: /rootHash: .*odd length/ });
    assert.throws(() => fromHex('zz', 'rootHash'), { name: 'TypeError', message: /rootHash: non-hex character "z" at position 0/ });
    assert.throws(() => fromHex('0g'), { name: 'TypeError', message: /^hex: .*position 1/ });
    assert.throws(() => fromHex(' 0'), TypeError);
    assert.throws(() => fromHex(42 as unknown as string, 'n'), { name: 'TypeError', message: /n: expected string/ });
  });

  it('When bytes are base64-encoded, then the text matches RFC 4648 §4 and decodes back', () => {
    // RFC 4648 §10 test vectors.
    const cases: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, b64] of cases) {
      assert.equal(toBase64(utf8(plain)), b64);
      assert.deepEqual(fromBase64(b64), utf8(plain));
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        assert.equal(toBase64(b), nodeBase64(b));
        assert.deepEqual(fromBase64(toBase64(b)), b);
      }),
      { numRuns: 300 },
    );
  });

  it('When base64 is not the one canonical padded standard form, then fromBase64 throws a TypeError naming the field', () => {
    const bad = ['Zg', 'Zg=', 'Zh==', 'Zm9=', 'Zm8', 'Zm 9v', 'Zm9v\n', '-_8=', 'Z===', '=Zg=', 'Zg==Zg==', 'Zm9v====', 'é123'];
    for (const s of bad) assert.throws(() => fromBase64(s, 'sig'), { name: 'TypeError', message: /^sig: / }, s);
  });

  it('When arbitrary text is decoded as base64, then it either throws TypeError or re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AZaz09+/=-_ '), maxLength: 16 }), (s) => {
        let b: Uint8Array;
        try {
          b = fromBase64(s);
        } catch (e) {
          assert.ok(e instanceof TypeError);
          return;
        }
        assert.equal(toBase64(b), s);
      }),
      { numRuns: 500 },
    );
  });

  it('When parts are concatenated and compared, then concatBytes and equalBytes behave like byte strings', () => {
    assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
    assert.deepEqual(concatBytes(), new Uint8Array(0));
    assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
    assert.equal(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0)), false);
    assert.throws(() => concatBytes(Uint8Array.of(1), [2] as unknown as Uint8Array), { name: 'TypeError', message: /parts\[1\]/ });
  });

  it('When text is UTF-8 encoded, then multi-byte characters use their standard bytes', () => {
    assert.equal(toHex(utf8('€—😀')), 'e282ace28094f09f9880');
  });
});

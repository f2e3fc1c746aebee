import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalBytes, canonicalJson } from '../../../ledger/encoding/canonical.js';
import { toHex } from '../../../ledger/encoding/bytes.js';

describe('ledger/encoding/canonical', () => {
  it('When the RFC 8785 §3.2.2 sample is canonicalised, then numbers, strings and literals take their JCS form', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    assert.equal(
      canonicalJson(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('When keys are sorted, then the order is by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = { '\u20ac': 0, '\r': 0, '\ufb33': 0, '1': 0, '\ud83d\ude00': 0, '\u0080': 0, '\u00f6': 0 };
    assert.equal(canonicalJson(input), '{"\\r":0,"1":0,"\u0080":0,"\u00f6":0,"\u20ac":0,"\ud83d\ude00":0,"\ufb33":0}');
  });

  it('When -0, 1e21 and nested arrays are canonicalised, then they follow ECMAScript number formatting', () => {
    assert.equal(canonicalJson({ b: [-0, 1e21, 1e-7], a: { d: 1, c: '' } }), '{"a":{"c":"","d":1},"b":[0,1e+21,1e-7]}');
  });

  it('When the value holds undefined, NaN, Infinity, a function, a bigint or a symbol at any depth, then TypeError names its path', () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /at \$ /],
      [{ a: { b: undefined } }, /undefined at \$\.a\.b/],
      [[1, Number.NaN], /NaN at \$\[1\]/],
      [{ x: Infinity }, /Infinity at \$\.x/],
      [{ f: () => 1 }, /function at \$\.f/],
      [{ 'a b': 10n }, /bigint at \$\["a b"\]/],
      [[Symbol('s')], /symbol at \$\[0\]/],
      [{ s: 'x\uD800y' }, /lone UTF-16 surrogate at \$\.s/],
    ];
    for (const [value, message] of cases) assert.throws(() => canonicalJson(value), { name: 'TypeError', message });
  });

  it('When the value is circular, then TypeError is thrown instead of overflowing the stack', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    assert.throws(() => canonicalJson(a), { name: 'TypeError', message: /circular/ });
  });

  it('When an object has toJSON, then its JSON form is what gets canonicalised', () => {
    assert.equal(canonicalJson({ t: new Date(Date.UTC(2026, 10, 24)) }), '{"t":"2026-11-24T00:00:00.000Z"}');
  });

  it('When any JSON value is canonicalised, then the result parses back to an equal value and is a fixed point', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        const back = JSON.parse(text) as unknown;
        assert.equal(canonicalJson(back), text);
        assert.equal(toHex(canonicalBytes(v)), Buffer.from(text, 'utf8').toString('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

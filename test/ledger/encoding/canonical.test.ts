import assert from 'node:assert/strict';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { canonicalBytes, canonicalJson, canonicalJsonEach, canonicalJsonOfParsed } from '../../../ledger/encoding/canonical.js';
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

  describe('the native serialisation (JSON.stringify with the sorted names as its property list)', () => {
    const same = (value: unknown): void => {
      assert.equal(canonicalJson(value), canonicalize(value));
    };

    it('When any JSON value is canonicalised, then the text is byte for byte what `canonicalize` writes, also for parsed data', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          same(v);
          const parsed = JSON.parse(JSON.stringify(v)) as unknown;
          assert.equal(canonicalJsonOfParsed(parsed), canonicalize(parsed));
        }),
        { numRuns: 1000 },
      );
    });

    it('When objects share some names and not others at several depths, then each keeps only its own members, sorted', () => {
      const v = { z: { b: 1, a: [{ z: 0, y: { a: null } }, { b: 'x' }] }, a: { z: true }, '10': 1, '2': { '1': 1, '10': 2, '9': 3 } };
      assert.equal(canonicalJson(v), '{"10":1,"2":{"1":1,"10":2,"9":3},"a":{"z":true},"z":{"a":[{"y":{"a":null},"z":0},{"b":"x"}],"b":1}}');
      same(v);
    });

    it('When a value holds a `__proto__` member, a null-prototype object, a class instance or a non-enumerable member, then it is serialised as `canonicalize` does', () => {
      const parsed = JSON.parse('{"a":{"__proto__":{"x":1}},"b":{}}') as unknown; // JSON.parse makes __proto__ an own member
      assert.equal(canonicalJson(parsed), '{"a":{"__proto__":{"x":1}},"b":{}}');
      assert.equal(canonicalJsonOfParsed(parsed), '{"a":{"__proto__":{"x":1}},"b":{}}');
      const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
      same({ bare });
      class Point {
        constructor(readonly x: number) {}
        get y(): number {
          return 2; // on the prototype: not an own member, so not serialised
        }
      }
      assert.equal(canonicalJson([new Point(1), { y: 3 }]), '[{"x":1},{"y":3}]');
      const hidden = { a: 1 };
      Object.defineProperty(hidden, 'b', { value: 2, enumerable: false });
      assert.equal(canonicalJson([hidden, { b: 3 }]), '[{"a":1},{"b":3}]');
    });

    it('When several values are canonicalised together, then each text is what `canonicalize` writes for it alone, whatever names the others hold', () => {
      fc.assert(
        fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (vs) => {
          assert.deepEqual(canonicalJsonEach(vs), vs.map((v) => canonicalize(v)));
        }),
        { numRuns: 500 },
      );
      const Proto = { inherited: 1 };
      const shapes: object[] = [{ b: 1, a: 2 }, { c: 3 }, Object.assign(Object.create(Proto) as object, { a: 1 }), { toJSON: () => ({ z: 1 }) }, { constructor: 1 }, {}];
      assert.deepEqual(canonicalJsonEach(shapes), ['{"a":2,"b":1}', '{"c":3}', '{"a":1}', '{"z":1}', '{"constructor":1}', '{}']);
      assert.deepEqual(canonicalJsonEach([{ b: 1, a: 2 }, { constructor: 1 }, {}]), ['{"a":2,"b":1}', '{"constructor":1}', '{}']); // the shared list path
      assert.throws(() => canonicalJsonEach([{ a: 1 }, { a: Number.NaN }]), /NaN at \$\.a/);
    });

    it('When many distinct names are spread over many objects, then the text is still exact', () => {
      const wide = Array.from({ length: 300 }, (_, i) => ({ [`k${i}`]: i, shared: [i] }));
      same(wide);
      assert.equal(JSON.parse(canonicalJson(wide)).length, 300);
    });
  });
});

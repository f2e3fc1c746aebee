import assert from 'node:assert/strict';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { isCanonicalJsonText, scanCanonicalJson } from '../../../ledger/encoding/canonical-text.js';

/** The reference: text is canonical iff the maintained serialiser writes exactly it back (it throws on a lone surrogate). */
const reference = (text: string): boolean => {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
};

// JSON values with any Unicode (astral characters, controls) but no lone surrogates, which JCS cannot encode.
const stringArb = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\u0008', '\u001f', '\u007f', '"', '\\', '/', '\u2028', 'é', '€', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 8 });
const valueArb = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    stringArb,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(stringArb, tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** Other texts of the same value: insertion-order keys, indentation, a sprinkled space. */
const variantArb = fc.tuple(valueArb, fc.nat({ max: 2 }), fc.nat()).map(([v, how, at]) => {
  const plain = JSON.stringify(v);
  if (how === 0) return plain;
  if (how === 1) return JSON.stringify(v, null, 1);
  const i = at % (plain.length + 1);
  return `${plain.slice(0, i)} ${plain.slice(i)}`;
}).filter((t) => { try { JSON.parse(t); return true; } catch { return false; } });

describe('ledger/encoding/canonical-text: is a JSON text already RFC 8785?', () => {
  it('When a value is canonicalised, then the scan accepts the text', () => {
    fc.assert(fc.property(valueArb, (v) => {
      const text = canonicalize(v)!;
      assert.equal(isCanonicalJsonText(text), true, text);
    }), { numRuns: 2000 });
  });

  it('When a value is written any other way, then the scan says canonical exactly when canonicalize writes the same text', () => {
    fc.assert(fc.property(variantArb, (text) => {
      assert.equal(isCanonicalJsonText(text), reference(text), text);
    }), { numRuns: 2000 });
  });

  it('When a text differs from RFC 8785 in one detail, then it is not canonical', () => {
    const cases = [
      '-0', '1.0', '1E3', '1e3', '0.1e1', '1e+0', '100000000000000000000000', // numbers not in ECMAScript form
      '"\\/"', '"\\u0041"', '"\\u001F"', '"\\u000a"', '"\\u0008"', '"\\ud83d\\ude00"', // escapes JSON.stringify does not write
      '"\ud800"', '"\udc00x"', // lone surrogates
      '{"a":1,"a":2}', '{"b":1,"a":2}', '{"😀":1,"€":2}', // duplicate and unsorted names (UTF-16 order: € < 😀)
      '{ "a":1}', '[1,\n2]', '{"a":1} ', // whitespace
    ];
    for (const text of cases) {
      JSON.parse(text); // every case is valid JSON
      assert.equal(isCanonicalJsonText(text), false, text);
      assert.equal(reference(text), false, text);
    }
  });

  it('When a text is in RFC 8785 form, including its number and escape rules, then it is canonical', () => {
    const cases = ['0', '-1', '1e+21', '1.5e-7', '0.000001', '"\\u001f\\n\\"\\\\"', '"/é€😀\u2028"', '{"€":2,"😀":1}', '{"":[],"a":{"b":null}}', 'true'];
    for (const text of cases) {
      assert.equal(isCanonicalJsonText(text), true, text);
      assert.equal(reference(text), true, text);
    }
  });

  it('When containers nest deeper than the limit, then the scan refuses', () => {
    assert.equal(isCanonicalJsonText('[[[]]]', 3), true);
    assert.equal(isCanonicalJsonText('[[[[]]]]', 3), false);
    assert.equal(isCanonicalJsonText(`${'['.repeat(65)}${']'.repeat(65)}`), false); // default 64, as parseStrictJson
  });

  it('When the top level is an object, then the scan says where each member value starts', () => {
    const text = '{"a":[1,{"x":2}],"b":"q:\\"","c":{}}';
    const starts = scanCanonicalJson(text)!.valueStarts;
    assert.deepEqual(starts.map((s) => text[s]), ['[', '"', '{']);
    assert.deepEqual(scanCanonicalJson('[1,2]')!.valueStarts, []);
  });
});

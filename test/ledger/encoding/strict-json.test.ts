import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StrictJsonError, parseStrictJson } from '../../../ledger/encoding/strict-json.js';

function rejects(text: string, code: StrictJsonError['code'], extra: { path?: string; message?: RegExp } = {}, maxDepth?: number): void {
  assert.throws(
    () => parseStrictJson(text, maxDepth === undefined ? {} : { maxDepth }),
    (e: unknown) => {
      assert.ok(e instanceof StrictJsonError, `expected StrictJsonError for ${JSON.stringify(text.slice(0, 60))}`);
      assert.equal(e.code, code, `${text.slice(0, 60)}: ${e.message}`);
      if (extra.path !== undefined) assert.equal(e.path, extra.path);
      if (extra.message !== undefined) assert.match(e.message, extra.message);
      return true;
    },
  );
}

describe('ledger/encoding/strict-json', () => {
  it('When the text is any valid JSON without duplicates, then the value equals JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        assert.deepEqual(parseStrictJson(text), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('When strings contain quotes, braces, colons and escaped backslashes, then they are not mistaken for structure', () => {
    const text = String.raw`{"a":"}{\"a\":","b":"[[[:","c\\":"\\","d":["\"",":"],"e":{"a":"x"}}`;
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  });

  it('When the text is malformed, then JSON_MALFORMED is thrown with the position', () => {
    for (const text of ['', ' ', '{', '{"a":1,}', '[1,]', "{'a':1}", 'NaN', '01', '{} x', '"\u0001"', '\uFEFF{}', '[1 2]']) {
      rejects(text, 'JSON_MALFORMED');
    }
    rejects('{"a" 1}', 'JSON_MALFORMED', { message: /position 5/ });
  });

  it('When an object repeats a key at any depth, then JSON_DUPLICATE_KEY names the key path', () => {
    rejects('{"a":1,"a":2}', 'JSON_DUPLICATE_KEY', { path: '$.a', message: /repeats the key "a"/ });
    rejects('{"x":[{"b":1},{"b":1,"c":{"d":0,"d":1}}]}', 'JSON_DUPLICATE_KEY', { path: '$.x[1].c.d' });
    rejects('[[],[0,{"q":{},"q":[]}]]', 'JSON_DUPLICATE_KEY', { path: '$[1][1].q' });
    rejects('{"a b":1, "a b" :2}', 'JSON_DUPLICATE_KEY', { path: '$["a b"]' });
  });

  it('When two keys differ only in their escaping, then they are still duplicates', () => {
    rejects(String.raw`{"a":1,"\u0061":2}`, 'JSON_DUPLICATE_KEY', { path: '$.a' });
    rejects(String.raw`{"\/":1,"/":2}`, 'JSON_DUPLICATE_KEY');
  });

  it('When the same key appears in sibling or nested objects, then it is not a duplicate', () => {
    assert.deepEqual(parseStrictJson('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}'), { a: { a: { a: 1 } }, b: [{ a: 1 }, { a: 2 }] });
  });

  it('When a random object is serialised with one key repeated, then it is rejected', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 6 }), fc.nat(), (obj, pick) => {
        const entries = Object.entries(obj);
        const [key] = entries[pick % entries.length]!;
        const members = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        members.push(`${JSON.stringify(key)}:null`);
        rejects(`{"wrap":[{${members.join(',')}}]}`, 'JSON_DUPLICATE_KEY');
      }),
      { numRuns: 200 },
    );
  });

  it('When nesting reaches maxDepth, then it parses; one level more throws JSON_TOO_DEEP', () => {
    const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    assert.ok(Array.isArray(parseStrictJson(nest(64))));
    rejects(nest(65), 'JSON_TOO_DEEP', { message: /deeper than 64/ });
    assert.deepEqual(parseStrictJson('{"a":[1]}', { maxDepth: 2 }), { a: [1] });
    rejects('{"a":[{}]}', 'JSON_TOO_DEEP', { path: '$.a[0]' }, 2);
    assert.equal(parseStrictJson('7', { maxDepth: 1 }), 7);
  });

  it('When the text nests 200,000 levels deep, then it is rejected promptly, not with a stack overflow', () => {
    const n = 200_000;
    const started = Date.now();
    rejects('['.repeat(n) + ']'.repeat(n), 'JSON_TOO_DEEP');
    assert.ok(Date.now() - started < 2000);
  });

  it('When a string holds a lone surrogate, escaped or raw, in a value or a key, then JSON_MALFORMED is thrown', () => {
    rejects(String.raw`"\ud800"`, 'JSON_MALFORMED', { message: /lone UTF-16 surrogate/ });
    rejects(String.raw`{"k":["ok","x\uDC00"]}`, 'JSON_MALFORMED', { path: '$.k[1]' });
    rejects(String.raw`{"\udbff":1}`, 'JSON_MALFORMED');
    rejects(String.raw`["\ud83d\ud83d\ude00"]`, 'JSON_MALFORMED');
    rejects('["\ud800"]', 'JSON_MALFORMED');
  });

  it('When surrogates are paired, or the text only looks like an escape, then the string is accepted', () => {
    assert.deepEqual(parseStrictJson(String.raw`["\ud83d\ude00","\\ud800","😀"]`), ['😀', '\\ud800', '😀']);
  });

  it('When options or text have the wrong type, then TypeError / RangeError name the field', () => {
    assert.throws(() => parseStrictJson(Buffer.from('{}') as unknown as string), { name: 'TypeError', message: /text/ });
    assert.throws(() => parseStrictJson('{}', { maxDepth: 0 }), { name: 'RangeError', message: /maxDepth/ });
    assert.throws(() => parseStrictJson('{}', { maxDepth: 1.5 }), { name: 'RangeError', message: /maxDepth/ });
  });

  it('When 10,000 telemetry messages are parsed, then it costs a small multiple of JSON.parse, not a slow scan', () => {
    // Relative to JSON.parse in the same process and best of 3, so a loaded machine does not fail it (throughput
    // targets belong in bench/, not here); this only catches a parser that went quadratic or pathologically slow.
    const msgs = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({ device: 'dev_wh1-lc-0001', seq: i, ts: '2026-11-24T02:14:28.123Z', kind: 'load', values: { kg: 10234.5 + i, tempC: 4.25, door: false }, sig: 'A'.repeat(86) + '==' }),
    );
    const bestOf3 = (parse: (text: string) => unknown): number => Math.min(...[0, 1, 2].map(() => {
      const started = performance.now();
      for (const m of msgs) parse(m);
      return performance.now() - started;
    }));
    const strict = bestOf3((m) => parseStrictJson(m));
    const native = bestOf3((m) => JSON.parse(m) as unknown);
    assert.ok(strict < 200 * Math.max(native, 1), `strict ${strict.toFixed(1)} ms vs JSON.parse ${native.toFixed(1)} ms`);
  });
});

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBase64, toBase64, utf8 } from '../../../ledger/encoding/bytes.js';
import { formatCheckpointBody, parseCheckpointBody } from '../../../ledger/checkpoint/checkpoint-body.js';
import { type Checkpoint, CheckpointError, formatCheckpoint, parseCheckpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { withVectors } from '../../support/vectors.js';

interface ParseVectors {
  marshal: { origin: string; size: number; hashAscii: string; want: string }[];
  unmarshal: { desc: string; input: string; wantErr: boolean; origin?: string; size?: number; hashAscii?: string; rest?: string }[];
  extension: { input: string; origin: string; size: number; hashAscii: string; rest: string };
}

const ROOT = Uint8Array.from({ length: 32 }, (_, i) => i);
const ROOT64 = toBase64(ROOT);

function rejects(text: string, why?: RegExp): void {
  assert.throws(() => parseCheckpoint(text), (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected CheckpointError for ${JSON.stringify(text)}`);
    assert.equal(e.code, 'CHECKPOINT_MALFORMED');
    if (why) assert.match(e.message, why);
    return true;
  });
}

describe('ledger/checkpoint/checkpoint', () => {
  withVectors<ParseVectors>('checkpoint_parse_vectors.json', 'transparency-dev/formats checkpoint vectors', (v) => {
    for (const m of v.marshal) {
      it(`When ${m.origin}/${m.size} is marshalled, then the text is exactly Go's`, () => {
        assert.equal(formatCheckpointBody({ origin: m.origin, size: BigInt(m.size), hash: utf8(m.hashAscii), rest: '' }), m.want);
      });
    }

    for (const u of [...v.unmarshal, { desc: 'extension lines', wantErr: false, ...v.extension }]) {
      it(`When "${u.desc}" is parsed, then the text layer ${u.wantErr ? 'rejects it' : 'returns Go\'s fields'} and the registry parser agrees`, () => {
        if (u.wantErr) {
          assert.throws(() => parseCheckpointBody(u.input), CheckpointError);
          rejects(u.input);
          return;
        }
        const body = parseCheckpointBody(u.input);
        assert.equal(body.origin, u.origin);
        assert.equal(body.size, BigInt(u.size!));
        assert.deepEqual(body.hash, utf8(u.hashAscii!));
        assert.equal(body.rest, u.rest);
        // These roots are not 32 bytes (see the file's notes): the registry parser must refuse them...
        rejects(u.input, /root hash is \d+ bytes, expected 32/);
        // ...and, given a real root, accept the same text — except empty extension lines, which the C2SP spec forbids.
        const fixed = u.input.split('\n').map((line, i) => (i === 2 ? ROOT64 : line)).join('\n');
        if (u.rest!.split('\n').slice(0, -1).includes('')) {
          rejects(fixed, /empty extension line/);
        } else {
          const cp = parseCheckpoint(fixed);
          assert.deepEqual(cp, { origin: u.origin, size: u.size, rootHash: ROOT, extensions: u.rest!.split('\n').slice(0, -1) });
          assert.equal(formatCheckpoint(cp), fixed);
        }
      });
    }
  });

  it('When a checkpoint is formatted, then it is origin, size, base64 root and extension lines', () => {
    const cp: Checkpoint = { origin: 'ledger.example/log', size: 20852163, rootHash: ROOT, extensions: ['time 1700000000'] };
    assert.equal(formatCheckpoint(cp), `ledger.example/log\n20852163\n${ROOT64}\ntime 1700000000\n`);
  });

  it('When any valid checkpoint is formatted and parsed, then it round-trips', () => {
    const line = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\n'));
    fc.assert(
      fc.property(line, fc.maxSafeNat(), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(line, { maxLength: 3 }), (origin, size, rootHash, extensions) => {
        const cp = { origin, size, rootHash, extensions };
        assert.deepEqual(parseCheckpoint(formatCheckpoint(cp)), cp);
      }),
      { numRuns: 200 },
    );
  });

  it('When the size has leading zeroes, exceeds 2^53 − 1, or is signed, then the registry parser refuses it', () => {
    assert.equal(parseCheckpoint(`L\n0\n${ROOT64}\n`).size, 0);
    rejects(`L\n007\n${ROOT64}\n`, /leading zeroes/);
    rejects(`L\n00\n${ROOT64}\n`, /leading zeroes/);
    assert.equal(parseCheckpoint(`L\n9007199254740991\n${ROOT64}\n`).size, Number.MAX_SAFE_INTEGER);
    rejects(`L\n9007199254740992\n${ROOT64}\n`, /exceeds/);
    assert.equal(parseCheckpointBody(`L\n18446744073709551615\n${ROOT64}\n`).size, 2n ** 64n - 1n);
    rejects(`L\n18446744073709551616\n${ROOT64}\n`, /64 bits/);
    rejects(`L\n+7\n${ROOT64}\n`);
    rejects(`L\n 7\n${ROOT64}\n`);
    rejects(`L\n\n${ROOT64}\n`);
  });

  it('When the root or the extension lines are malformed, then the reason is given', () => {
    rejects(`L\n1\n${ROOT64.slice(0, -1)}\n`, /root hash|base64/);
    rejects(`L\n1\n${toBase64(new Uint8Array(31))}\n`, /31 bytes/);
    rejects(`L\n1\n${ROOT64}\next`, /newline/);
    rejects(`L\n1\n${ROOT64}\n\n`, /empty extension line/);
    assert.deepEqual(fromBase64(ROOT64), ROOT);
  });

  it('When a checkpoint cannot be written, then TypeError/RangeError names the field', () => {
    const ok: Checkpoint = { origin: 'L', size: 1, rootHash: ROOT, extensions: [] };
    assert.throws(() => formatCheckpoint({ ...ok, origin: '' }), { name: 'TypeError', message: /origin/ });
    assert.throws(() => formatCheckpoint({ ...ok, origin: 'a\nb' }), { name: 'TypeError', message: /origin/ });
    assert.throws(() => formatCheckpoint({ ...ok, size: -1 }), { name: 'RangeError', message: /size/ });
    assert.throws(() => formatCheckpoint({ ...ok, size: 2 ** 53 }), { name: 'RangeError', message: /size/ });
    assert.throws(() => formatCheckpoint({ ...ok, rootHash: new Uint8Array(20) }), { name: 'TypeError', message: /rootHash/ });
    assert.throws(() => formatCheckpoint({ ...ok, extensions: [''] }), { name: 'TypeError', message: /extensions\[0\]/ });
  });
});

import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  EMPTY_ROOT,
  HASH_SIZE,
  LEAF_PREFIX,
  NODE_PREFIX,
  hashChildren,
  hashLeaf,
  hashLeafText,
} from '../../../ledger/merkle/hash.js';
import fc from 'fast-check';
import { withVectors } from '../../support/vectors.js';

interface HasherVector {
  desc: string;
  kind: 'emptyRoot' | 'leaf' | 'node';
  inputHex?: string;
  leftHex?: string;
  rightHex?: string;
  wantHex: string;
}

describe('ledger/merkle/hash', () => {
  it('When the constants are read, then they are the RFC 6962 §2.1 prefixes and the SHA-256 sizes', () => {
    assert.equal(LEAF_PREFIX, 0x00);
    assert.equal(NODE_PREFIX, 0x01);
    assert.equal(HASH_SIZE, 32);
    assert.equal(bytesToHex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('When a leaf is hashed, then it is SHA-256(0x00 || data)', () => {
    const data = Uint8Array.of(1, 2, 3);
    assert.deepEqual(hashLeaf(data), sha256(Uint8Array.of(0, 1, 2, 3)));
  });

  it('When children are hashed, then it is SHA-256(0x01 || left || right) and order matters', () => {
    const a = new Uint8Array(32).fill(0xaa);
    const b = new Uint8Array(32).fill(0xbb);
    const input = new Uint8Array(65);
    input[0] = 1;
    input.set(a, 1);
    input.set(b, 33);
    assert.deepEqual(hashChildren(a, b), sha256(input));
    assert.notDeepEqual(hashChildren(a, b), hashChildren(b, a));
  });

  it('When a leaf and a node have the same bytes after the prefix, then their hashes differ (domain separation)', () => {
    const a = new Uint8Array(32).fill(7);
    const joined = new Uint8Array(64).fill(7);
    assert.notDeepEqual(hashLeaf(joined), hashChildren(a, a));
  });

  it('When inputs of growing and shrinking sizes are hashed in turn (one reused input buffer), then each hash is of its own bytes', () => {
    // 3 bytes, past the first buffer (1 KiB), past the largest reused size (64 KiB), and small again.
    const sizes = [3, 2000, 70_000, 5, 1023, 1024];
    for (const [i, size] of sizes.entries()) {
      const data = new Uint8Array(size).fill(i + 1);
      assert.deepEqual(hashLeaf(data), sha256(Uint8Array.of(LEAF_PREFIX, ...data)), `leaf of ${size} bytes`);
      const left = new Uint8Array(32).fill(i);
      const right = new Uint8Array(size).fill(i + 2);
      assert.deepEqual(hashChildren(left, right), sha256(Uint8Array.of(NODE_PREFIX, ...left, ...right)), `node with a ${size}-byte child`);
    }
  });

  it('When a hash is kept and more are computed, then the kept hash does not change', () => {
    const first = hashLeaf(Uint8Array.of(1));
    const copy = Uint8Array.from(first);
    hashLeaf(new Uint8Array(500).fill(9));
    hashChildren(new Uint8Array(32), new Uint8Array(32));
    assert.deepEqual(first, copy);
  });

  it('When the inputs are not Uint8Array, then TypeError names the argument', () => {
    assert.throws(() => hashLeaf('abc' as unknown as Uint8Array), { name: 'TypeError', message: /data/ });
    assert.throws(() => hashChildren(new Uint8Array(32), [] as unknown as Uint8Array), {
      name: 'TypeError',
      message: /right/,
    });
    assert.throws(() => hashChildren(null as unknown as Uint8Array, new Uint8Array(32)), {
      name: 'TypeError',
      message: /left/,
    });
  });

  withVectors<{ hasherVectors: HasherVector[] }>(
    'rfc6962_merkle_reference.json',
    'When the transparency-dev hasher vectors are replayed',
    ({ hasherVectors }) => {
      for (const vector of hasherVectors) {
        it(`then ${vector.desc} matches`, () => {
          const got =
            vector.kind === 'emptyRoot'
              ? EMPTY_ROOT
              : vector.kind === 'leaf'
                ? hashLeaf(hexToBytes(vector.inputHex ?? ''))
                : hashChildren(hexToBytes(vector.leftHex ?? ''), hexToBytes(vector.rightHex ?? ''));
          assert.equal(bytesToHex(got), vector.wantHex);
        });
      }
    },
  );

  it('When a leaf is hashed from its text, then the hash is hashLeaf of its UTF-8 bytes (U+0000, non-ASCII and astral text included)', () => {
    const encoder = new TextEncoder();
    for (const text of ['', '{"a":1}', '\u0000x', 'caf\u00e9 \u20ac \ud83d\ude00', 'x'.repeat(70_000)]) {
      assert.equal(bytesToHex(hashLeafText(text)), bytesToHex(hashLeaf(encoder.encode(text))), JSON.stringify(text.slice(0, 20)));
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      assert.deepEqual(hashLeafText(text), hashLeaf(encoder.encode(text)));
    }), { numRuns: 300 });
    assert.throws(() => hashLeafText(new Uint8Array(1) as unknown as string), TypeError);
  });
});

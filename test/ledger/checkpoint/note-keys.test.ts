import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { concatBytes, toBase64, toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import { NoteError, type NoteErrorCode } from '../../../ledger/checkpoint/note-error.js';
import {
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  noteKeyHash,
  parseSignerKey,
  parseVerifierKey,
} from '../../../ledger/checkpoint/note-keys.js';

const seed = new Uint8Array(32).fill(31);
const pk = publicKeyFromSeed(seed);

function throwsNote(f: () => unknown, code: NoteErrorCode): void {
  assert.throws(f, (e: unknown) => e instanceof NoteError && e.code === code);
}

describe('ledger/checkpoint/note-keys', () => {
  it('When the key hash is computed, then it is SHA-256(name ‖ "\\n" ‖ 0x01 ‖ pk)[:4]', () => {
    const want = createHash('sha256').update(concatBytes(utf8('ledger.example/log\n'), Uint8Array.of(1), pk)).digest().subarray(0, 4);
    assert.equal(toHex(noteKeyHash('ledger.example/log', pk)), want.toString('hex'));
  });

  it('When keys are formatted and parsed, then they round-trip', () => {
    const vkey = formatVerifierKey('ledger.example/log', pk);
    assert.match(vkey, /^ledger\.example\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const v = parseVerifierKey(vkey);
    assert.deepEqual(v.publicKey, pk);
    const skey = formatSignerKey('ledger.example/log', seed);
    assert.ok(skey.startsWith('PRIVATE+KEY+ledger.example/log+'));
    const s = parseSignerKey(skey);
    assert.deepEqual(s.seed, seed);
    assert.deepEqual(s.keyHash, v.keyHash);
    assert.deepEqual(parseVerifierKey(vkey.replace(/\+([0-9a-f]{8})\+/, (_, h: string) => `+${h.toUpperCase()}+`)).keyHash, v.keyHash);
  });

  it('When names contain spaces or "+", or are empty, then they are invalid', () => {
    for (const n of ['', 'a b', 'a+b', 'a\tb', 'a\u2003b', 'a\u3000b', 'a\u0085b']) assert.equal(isValidKeyName(n), false, JSON.stringify(n));
    for (const n of ['a', 'example.com/log42', 'oid/1.3.6.1', 'ünï—code']) assert.equal(isValidKeyName(n), true, n);
  });

  it('When a verifier key is malformed, has a wrong hash, another algorithm or a refused key, then a coded NoteError says so', () => {
    const vkey = formatVerifierKey('log', pk);
    const [name, hash, b64] = [vkey.slice(0, 3), vkey.slice(4, 12), vkey.slice(13)];
    throwsNote(() => parseVerifierKey('log'), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(`${name}+${hash}`), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(`${name}+${hash.slice(1)}+${b64}`), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(`a b+${hash}+${b64}`), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(`${name}+${hash}+${b64.slice(0, -1)}`), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(`${name}+00000000+${b64}`), 'NOTE_KEY_HASH_MISMATCH');
    throwsNote(() => parseVerifierKey(`logx+${hash}+${b64}`), 'NOTE_KEY_HASH_MISMATCH');
    const withAlg = (alg: number, key: Uint8Array): string => {
      const material = concatBytes(Uint8Array.of(alg), key);
      const h = createHash('sha256').update(concatBytes(utf8('log\n'), material)).digest().subarray(0, 4).toString('hex');
      return `log+${h}+${toBase64(material)}`;
    };
    throwsNote(() => parseVerifierKey(withAlg(2, pk)), 'NOTE_KEY_UNSUPPORTED');
    throwsNote(() => parseVerifierKey(withAlg(1, pk.subarray(1))), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseVerifierKey(withAlg(1, new Uint8Array(32))), 'NOTE_KEY_UNSUPPORTED'); // small-order key
  });

  it('When a signer key is malformed or its hash does not match the derived key, then NoteError', () => {
    const skey = formatSignerKey('log', seed);
    throwsNote(() => parseSignerKey(skey.replace('PRIVATE+KEY+', '')), 'NOTE_KEY_MALFORMED');
    throwsNote(() => parseSignerKey(skey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')), 'NOTE_KEY_HASH_MISMATCH');
    throwsNote(() => parseSignerKey(skey.replace('+log+', '+other+')), 'NOTE_KEY_HASH_MISMATCH');
  });
});

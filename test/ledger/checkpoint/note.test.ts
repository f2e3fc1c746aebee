import assert from 'node:assert/strict';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import {
  MAX_NOTE_SIGNATURES,
  NoteError,
  type NoteErrorCode,
  formatVerifierKey,
  noteKeyHash,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../../ledger/checkpoint/note.js';
import { withVectors } from '../../support/vectors.js';

interface NoteVectors {
  verifierKeys: Record<string, string>;
  signerKey: string;
  text: string;
  signatureLines: Record<string, string>;
  signedNoteExpected: string;
  malformedMustReject: { desc: string; note: string }[];
}

function throwsNote(f: () => unknown, code: NoteErrorCode, message?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof NoteError, `expected NoteError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

const aliceSeed = new Uint8Array(32).fill(21);
const bobSeed = new Uint8Array(32).fill(22);
const alice = { name: 'example.com/alice', seed: aliceSeed };
const bob = { name: 'example.com/bob', seed: bobSeed };
const aliceKey = parseVerifierKey(formatVerifierKey(alice.name, publicKeyFromSeed(aliceSeed)));
const bobKey = parseVerifierKey(formatVerifierKey(bob.name, publicKeyFromSeed(bobSeed)));
const TEXT = 'example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

describe('ledger/checkpoint/note', () => {
  withVectors<NoteVectors>('signed_note_vectors.json', 'Go sumdb/note vectors', (v) => {
    const peter = parseVerifierKey(v.verifierKeys['PeterNeumann']!);
    const enoch = parseVerifierKey(v.verifierKeys['EnochRoot']!);

    it('When the signer key signs the text, then the signed note is byte-identical to Go\'s', () => {
      const signer = parseSignerKey(v.signerKey);
      assert.equal(signer.name, 'PeterNeumann');
      assert.deepEqual(signer.publicKey, peter.publicKey);
      assert.equal(signNote(v.text, [signer]), v.signedNoteExpected);
    });

    it('When the verifier keys are parsed, then the key hashes match the recomputed ones and re-format identically', () => {
      for (const [name, s] of Object.entries(v.verifierKeys)) {
        const k = parseVerifierKey(s);
        assert.equal(k.name, name);
        assert.deepEqual(k.keyHash, noteKeyHash(name, k.publicKey));
        assert.equal(formatVerifierKey(k.name, k.publicKey), s);
      }
      assert.equal(toHex(peter.keyHash), 'c74f20a3');
      assert.equal(toHex(enoch.keyHash), 'af0cfe78');
    });

    it('When the expected note is opened, then PeterNeumann is verified and the text is returned', () => {
      const opened = openNote(v.signedNoteExpected, [peter, enoch]);
      assert.equal(opened.text, v.text);
      assert.deepEqual(opened.verified.map((s) => s.name), ['PeterNeumann']);
      assert.deepEqual(opened.unverified, []);
    });

    it('When both Go signature lines are present, then both verify; unknown keys land in unverified', () => {
      const note = `${v.text}\n${v.signatureLines['PeterNeumann']}${v.signatureLines['EnochRoot']}`;
      assert.deepEqual(openNote(note, [peter, enoch]).verified.map((s) => s.name), ['PeterNeumann', 'EnochRoot']);
      const onlyEnoch = openNote(note, [enoch]);
      assert.deepEqual(onlyEnoch.verified.map((s) => s.name), ['EnochRoot']);
      assert.deepEqual(onlyEnoch.unverified.map((s) => [s.name, toHex(s.keyHash), s.sig.length]), [['PeterNeumann', 'c74f20a3', 64]]);
    });

    for (const bad of v.malformedMustReject) {
      it(`When the malformed note "${bad.desc}" is opened, then NoteError is thrown`, () => {
        assert.throws(() => openNote(bad.note, [peter, enoch]), NoteError);
      });
    }

    it('When the note is opened with the fast verifier, then the result is the same', () => {
      const fast = new FastVerifier();
      const opened = openNote(v.signedNoteExpected, [peter], { verify: fast.verify.bind(fast) });
      assert.deepEqual(opened.verified.map((s) => s.name), ['PeterNeumann']);
    });
  });

  it('When a note is signed by two keys, then it opens with either, in signing order', () => {
    const note = signNote(TEXT, [alice, bob]);
    assert.ok(note.startsWith(`${TEXT}\n\u2014 example.com/alice `));
    assert.deepEqual(openNote(note, [aliceKey, bobKey]).verified.map((s) => s.name), [alice.name, bob.name]);
    assert.deepEqual(openNote(utf8(note), [bobKey]).verified.map((s) => s.name), [bob.name]);
  });

  it('When a known key\'s signature does not verify, then the whole note is rejected (Go\'s InvalidSignatureError)', () => {
    const note = signNote(TEXT, [alice]);
    const tampered = note.replace('\n5\n', '\n6\n');
    throwsNote(() => openNote(tampered, [aliceKey]), 'NOTE_INVALID_SIGNATURE', /example\.com\/alice\+/);
  });

  it('When no signature is by a known key, then NOTE_UNVERIFIED, unless allowUnverified is set', () => {
    const note = signNote(TEXT, [alice]);
    throwsNote(() => openNote(note, [bobKey]), 'NOTE_UNVERIFIED', /example\.com\/bob/);
    const opened = openNote(note, [bobKey], { allowUnverified: true });
    assert.equal(opened.verified.length, 0);
    assert.equal(opened.unverified[0]?.name, alice.name);
  });

  it('When a signature shares only the name or only the key hash with a known key, then it is ignored', () => {
    const note = signNote(TEXT, [alice]);
    const impostorKey = parseVerifierKey(formatVerifierKey(alice.name, publicKeyFromSeed(bobSeed)));
    throwsNote(() => openNote(note, [impostorKey]), 'NOTE_UNVERIFIED');
  });

  it('When signature lines repeat, then duplicates are dropped', () => {
    const note = signNote(TEXT, [alice]);
    const line = note.slice(TEXT.length + 1);
    const opened = openNote(note + line + line, [aliceKey]);
    assert.equal(opened.verified.length, 1);
    const unknown = openNote(note + line, [bobKey], { allowUnverified: true });
    assert.equal(unknown.unverified.length, 1);
  });

  it('When the text has blank lines of its own, then the last blank line separates the signatures', () => {
    const text = 'para one\n\npara two\n';
    const opened = openNote(signNote(text, [alice]), [aliceKey]);
    assert.equal(opened.text, text);
  });

  it('When the note is over 1 MiB or has more than 100 signature lines, then it is refused before any verification', () => {
    throwsNote(() => openNote('a'.repeat((1 << 20) + 1), [aliceKey]), 'NOTE_TOO_LARGE');
    throwsNote(() => openNote('é'.repeat((1 << 19) + 1), [aliceKey]), 'NOTE_TOO_LARGE');
    throwsNote(() => openNote(new Uint8Array((1 << 20) + 1), [aliceKey]), 'NOTE_TOO_LARGE');
    const note = signNote(TEXT, [alice]);
    const line = note.slice(TEXT.length + 1);
    throwsNote(() => openNote(note + line.repeat(MAX_NOTE_SIGNATURES), [aliceKey]), 'NOTE_TOO_MANY_SIGNATURES');
  });

  it('When the note is truncated or garbage, then NOTE_MALFORMED is thrown, never a crash', () => {
    const note = signNote(TEXT, [alice]);
    for (let cut = 0; cut < note.length; cut += 7) {
      assert.throws(() => openNote(note.slice(0, cut), [aliceKey]), NoteError, `cut at ${cut}`);
    }
    const garbage = ['', '\n\n', '\n\n\n', 'x\n\n— \n', 'x\n\n— a\n', 'x\n\n— a \n', 'x\n\n— a AAAA\n', 'x\n\n- a AAAAAAAA\n', 'x\r\n\n— a AAAAAAAA\n', 'x\n\n— a\tb AAAAAAAA\n'];
    for (const g of garbage) throwsNote(() => openNote(g, [aliceKey]), 'NOTE_MALFORMED');
    throwsNote(() => openNote(Uint8Array.of(0x78, 0xff, 0x0a, 0x0a), [aliceKey]), 'NOTE_MALFORMED', /UTF-8/);
    throwsNote(() => openNote('x\ud800\n\n— a AAAAAAAA\n', [aliceKey]), 'NOTE_MALFORMED', /Unicode/);
  });

  it('When signing is misused, then TypeError names the field', () => {
    assert.throws(() => signNote('no newline', [alice]), { name: 'TypeError', message: /text: .*newline/ });
    assert.throws(() => signNote('tab\there\n', [alice]), { name: 'TypeError', message: /control character U\+0009/ });
    assert.throws(() => signNote(TEXT, []), { name: 'TypeError', message: /signers/ });
    assert.throws(() => signNote(TEXT, [{ name: 'a+b', seed: aliceSeed }]), { name: 'TypeError', message: /signers\[0\]\.name/ });
    assert.throws(() => signNote(TEXT, [{ name: 'a\u00a0b', seed: aliceSeed }]), TypeError);
    assert.throws(() => signNote(TEXT, [alice, alice]), { name: 'TypeError', message: /duplicate signer/ });
  });
});

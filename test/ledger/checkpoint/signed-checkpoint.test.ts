import assert from 'node:assert/strict';
import { publicKeyFromSeed, sign } from '../../../ledger/crypto/ed25519.js';
import { FastVerifier } from '../../../ledger/crypto/ed25519-node.js';
import { concatBytes, toBase64, utf8 } from '../../../ledger/encoding/bytes.js';
import { type Checkpoint, CheckpointError } from '../../../ledger/checkpoint/checkpoint.js';
import { NoteError, type NoteErrorCode, formatVerifierKey, noteKeyHash, parseVerifierKey, signNote } from '../../../ledger/checkpoint/note.js';
import { openCheckpoint, openCheckpointNote, signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';

const ORIGIN = 'ledger.example/log';
const logSeed = new Uint8Array(32).fill(41);
const logSigner = { name: ORIGIN, seed: logSeed };
const logKey = parseVerifierKey(formatVerifierKey(ORIGIN, publicKeyFromSeed(logSeed)));
const otherSeed = new Uint8Array(32).fill(42);
const cp: Checkpoint = { origin: ORIGIN, size: 8, rootHash: new Uint8Array(32).fill(0xab), extensions: [] };

function throwsCode(f: () => unknown, code: NoteErrorCode | CheckpointError['code'], message?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof NoteError || e instanceof CheckpointError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

describe('ledger/checkpoint/signed-checkpoint', () => {
  it('When the log signs a checkpoint, then it opens with the log key to the same checkpoint', () => {
    const note = signCheckpoint(cp, logSigner);
    assert.ok(note.startsWith(`${ORIGIN}\n8\n${toBase64(cp.rootHash)}\n\n\u2014 ${ORIGIN} `));
    assert.deepEqual(openCheckpoint(note, logKey), cp);
    const fast = new FastVerifier();
    assert.deepEqual(openCheckpoint(utf8(note), logKey, { verify: fast.verify.bind(fast) }), cp);
  });

  it('When a witness cosignature or another unknown signature is appended, then the checkpoint still opens and reports it', () => {
    const note = signCheckpoint(cp, logSigner);
    const extra = signNote(note.slice(0, note.indexOf('\n\n') + 1), [{ name: 'witness.example/w1', seed: otherSeed }]);
    const withWitness = note + extra.slice(extra.indexOf('\n\n') + 2);
    const opened = openCheckpointNote(withWitness, logKey);
    assert.deepEqual(opened.checkpoint, cp);
    assert.deepEqual(opened.note.unverified.map((u) => u.name), ['witness.example/w1']);
  });

  it('When the log signature is missing, then NOTE_UNVERIFIED names the log key', () => {
    const byOther = signNote(`${ORIGIN}\n8\n${toBase64(cp.rootHash)}\n`, [{ name: 'someone.else', seed: otherSeed }]);
    throwsCode(() => openCheckpoint(byOther, logKey), 'NOTE_UNVERIFIED', /not signed by the log key ledger\.example\/log/);
  });

  it('When the body was changed after signing, then NOTE_INVALID_SIGNATURE', () => {
    const note = signCheckpoint(cp, logSigner);
    throwsCode(() => openCheckpoint(note.replace('\n8\n', '\n9\n'), logKey), 'NOTE_INVALID_SIGNATURE');
  });

  it('When a validly signed note holds a malformed body, then CHECKPOINT_MALFORMED', () => {
    for (const body of [`${ORIGIN}\n8\n`, `${ORIGIN}\n08\n${toBase64(cp.rootHash)}\n`, `${ORIGIN}\n8\n${toBase64(new Uint8Array(31))}\n`]) {
      const msg = utf8(body);
      const line = `\u2014 ${ORIGIN} ${toBase64(concatBytes(noteKeyHash(ORIGIN, logKey.publicKey), sign(logSeed, msg)))}\n`;
      throwsCode(() => openCheckpoint(`${body}\n${line}`, logKey), 'CHECKPOINT_MALFORMED');
    }
  });

  it('When the checkpoint names another origin than the log key, then CHECKPOINT_WRONG_ORIGIN unless that origin is expected', () => {
    const body = `other.example/log\n8\n${toBase64(cp.rootHash)}\n`;
    const note = signNote(body, [logSigner]);
    throwsCode(() => openCheckpoint(note, logKey), 'CHECKPOINT_WRONG_ORIGIN', /other\.example\/log/);
    assert.equal(openCheckpoint(note, logKey, { origin: 'other.example/log' }).origin, 'other.example/log');
  });

  it('When the log key name differs from the origin, then signCheckpoint refuses with a TypeError', () => {
    assert.throws(() => signCheckpoint(cp, { name: 'other', seed: logSeed }), { name: 'TypeError', message: /signer\.name/ });
  });

  it('When the note is garbage or oversized, then a coded error, not a crash', () => {
    throwsCode(() => openCheckpoint('garbage', logKey), 'NOTE_MALFORMED');
    throwsCode(() => openCheckpoint('x'.repeat(2 << 20), logKey), 'NOTE_TOO_LARGE');
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { publicKeyFromSeed, sign } from '../../../ledger/crypto/ed25519.js';
import { concatBytes, fromBase64, toHex, utf8 } from '../../../ledger/encoding/bytes.js';
import {
  ALG_COSIGNATURE_V1,
  cosign,
  cosignatureMessage,
  cosignerKeyHash,
  formatCosignerVerifierKey,
  parseCosignerVerifierKey,
  verifyCosignature,
} from '../../../ledger/checkpoint/cosignature.js';
import { NoteError, formatVerifierKey, openNote, parseVerifierKey } from '../../../ledger/checkpoint/note.js';
import { openCheckpointNote, signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';

const ORIGIN = 'example.com/behind-the-sofa';
const logSeed = new Uint8Array(32).fill(51);
const witnessSeed = new Uint8Array(32).fill(52);
const WITNESS = 'witness.example.com/w1';
const logKey = parseVerifierKey(formatVerifierKey(ORIGIN, publicKeyFromSeed(logSeed)));
const witnessKey = parseCosignerVerifierKey(formatCosignerVerifierKey(WITNESS, publicKeyFromSeed(witnessSeed)));
const note = signCheckpoint({ origin: ORIGIN, size: 20852163, rootHash: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='), extensions: [] }, { name: ORIGIN, seed: logSeed });
const text = note.slice(0, note.indexOf('\n\n') + 1);

describe('ledger/checkpoint/cosignature', () => {
  it('When the signed message is built, then it is the C2SP tlog-cosignature example layout', () => {
    assert.equal(
      new TextDecoder().decode(cosignatureMessage(text, 1679315147)),
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('When the cosigner key hash is computed, then it uses signature type 0x04', () => {
    const pk = publicKeyFromSeed(witnessSeed);
    const want = createHash('sha256').update(concatBytes(utf8(`${WITNESS}\n`), Uint8Array.of(ALG_COSIGNATURE_V1), pk)).digest().subarray(0, 4);
    assert.equal(toHex(cosignerKeyHash(WITNESS, pk)), want.toString('hex'));
    const vkey = formatCosignerVerifierKey(WITNESS, pk);
    assert.equal(fromBase64(vkey.slice(vkey.lastIndexOf('+') + 1))[0], 0x04);
    assert.deepEqual(parseCosignerVerifierKey(vkey).publicKey, pk);
  });

  it('When a witness cosigns and the line is appended, then the log note still opens and the cosignature verifies with its timestamp', () => {
    const line = cosign(text, { name: WITNESS, seed: witnessSeed }, 1679315147);
    const raw = fromBase64(line.slice(line.lastIndexOf(' ') + 1, -1));
    assert.equal(raw.length, 4 + 8 + 64);
    assert.equal(toHex(raw.subarray(4, 12)), '000000006418' + '50cb'); // 1679315147, big-endian
    assert.deepEqual(raw.subarray(12), sign(witnessSeed, cosignatureMessage(text, 1679315147)));
    const { note: opened } = openCheckpointNote(note + line, logKey);
    const entry = opened.unverified.find((u) => u.name === WITNESS)!;
    assert.deepEqual(verifyCosignature(opened.text, entry, witnessKey), { ok: true, timestamp: 1679315147 });
  });

  it('When the checkpoint text, the timestamp or the key differs, then the cosignature does not verify', () => {
    const line = cosign(text, { name: WITNESS, seed: witnessSeed }, 100);
    const entry = openNote(note + line, [logKey]).unverified[0]!;
    assert.equal(verifyCosignature(text.replace('20852163', '20852164'), entry, witnessKey).ok, false);
    const shifted = { ...entry, sig: entry.sig.slice() };
    shifted.sig[7] = 101;
    assert.equal(verifyCosignature(text, shifted, witnessKey).ok, false);
    const otherKey = parseCosignerVerifierKey(formatCosignerVerifierKey(WITNESS, publicKeyFromSeed(logSeed)));
    assert.deepEqual(verifyCosignature(text, entry, otherKey), { ok: false, reason: 'the signature is not by this cosigner key' });
    assert.equal(verifyCosignature(text, { ...entry, sig: entry.sig.subarray(0, 70) }, witnessKey).ok, false);
  });

  it('When a cosigner key is read as a note key or vice versa, then the key is refused', () => {
    const cosignerVkey = formatCosignerVerifierKey(WITNESS, publicKeyFromSeed(witnessSeed));
    assert.throws(() => parseVerifierKey(cosignerVkey), (e: unknown) => e instanceof NoteError && e.code === 'NOTE_KEY_UNSUPPORTED');
    assert.throws(() => parseCosignerVerifierKey(formatVerifierKey(WITNESS, publicKeyFromSeed(witnessSeed))), NoteError);
  });

  it('When cosigning is misused, then TypeError/RangeError names the field', () => {
    assert.throws(() => cosign(text, { name: WITNESS, seed: witnessSeed }, -1), { name: 'RangeError', message: /timestamp/ });
    assert.throws(() => cosign(text, { name: 'bad name', seed: witnessSeed }, 1), { name: 'TypeError', message: /cosigner\.name/ });
    assert.throws(() => cosign('not a checkpoint', { name: WITNESS, seed: witnessSeed }, 1));
  });
});

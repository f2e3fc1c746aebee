import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPair, readKeyFile, writeKeyFile } from '../../../ledger/crypto/keys.js';
import { publicKeyFromSeed, sign, verify } from '../../../ledger/crypto/ed25519.js';
import { toBase64, utf8 } from '../../../ledger/encoding/bytes.js';

describe('ledger/crypto/keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lh-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('When a key pair is generated, then the public key belongs to the seed and two pairs differ', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    assert.deepEqual(publicKeyFromSeed(a.seed), a.publicKey);
    assert.notDeepEqual(a.seed, b.seed);
    assert.equal(verify(sign(a.seed, utf8('x')), utf8('x'), a.publicKey), true);
  });

  it('When a key file is written and read back, then name and keys round-trip and the file is mode 0600', () => {
    const file = path.join(dir, 'bank.key');
    const kp = generateKeyPair();
    writeKeyFile(file, 'p_bank-a', kp);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ['name', 'publicKey', 'seed', 'type']);
    assert.equal(doc['type'], 'ed25519');
    const back = readKeyFile(file);
    assert.equal(back.name, 'p_bank-a');
    assert.deepEqual(back.seed, kp.seed);
    assert.deepEqual(back.publicKey, kp.publicKey);
  });

  it('When the key file already exists, then writeKeyFile refuses to overwrite it', () => {
    const file = path.join(dir, 'k.key');
    writeKeyFile(file, 'a', generateKeyPair());
    const before = readFileSync(file, 'utf8');
    assert.throws(() => writeKeyFile(file, 'a', generateKeyPair()), /already exists; refusing to overwrite/);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('When a key file is missing, malformed or inconsistent, then readKeyFile names the file and the problem', () => {
    const kp = generateKeyPair();
    const other = generateKeyPair();
    const cases: [string, string, RegExp][] = [
      ['missing.key', '', /cannot read key file .*missing\.key/],
      ['garbage.key', 'not json', /garbage\.key is not valid JSON/],
      ['dup.key', '{"type":"ed25519","type":"x"}', /dup\.key is not valid JSON.*repeats the key/],
      ['type.key', JSON.stringify({ type: 'rsa', name: 'a', publicKey: '', seed: '' }), /type\.key: "type" must be "ed25519"/],
      ['noname.key', JSON.stringify({ type: 'ed25519', publicKey: toBase64(kp.publicKey), seed: toBase64(kp.seed) }), /noname\.key: "name" must be a string/],
      ['b64.key', JSON.stringify({ type: 'ed25519', name: 'a', publicKey: toBase64(kp.publicKey), seed: 'zz' }), /b64\.key: seed: /],
      ['short.key', JSON.stringify({ type: 'ed25519', name: 'a', publicKey: toBase64(kp.publicKey), seed: toBase64(kp.seed.subarray(1)) }), /short\.key: "seed" must be 32 bytes/],
      ['mismatch.key', JSON.stringify({ type: 'ed25519', name: 'a', publicKey: toBase64(other.publicKey), seed: toBase64(kp.seed) }), /mismatch\.key: "publicKey" does not match "seed"/],
    ];
    for (const [name, content, message] of cases) {
      const file = path.join(dir, name);
      if (content !== '') writeFileSync(file, content);
      assert.throws(() => readKeyFile(file), message, name);
    }
  });

  it('When the key pair given to writeKeyFile is inconsistent, then it throws before writing', () => {
    const file = path.join(dir, 'bad.key');
    assert.throws(() => writeKeyFile(file, 'a', { seed: generateKeyPair().seed, publicKey: generateKeyPair().publicKey }), TypeError);
    assert.throws(() => statSync(file), /ENOENT/);
  });
});

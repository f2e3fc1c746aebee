// Ed25519 key pairs and the key file (node only: randomness and the file system).
//
// Key file: JSON `{ "type": "ed25519", "name": string, "publicKey": base64, "seed": base64 }`, mode 0600, never
// overwritten. Reading checks that the public key really belongs to the seed, so a hand-edited file cannot make a
// node sign under one identity while announcing another.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { equalBytes, fromBase64, toBase64 } from '../encoding/bytes.js';
import { parseStrictJson } from '../encoding/strict-json.js';
import { publicKeyFromSeed } from './ed25519.js';

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly seed: Uint8Array;
}

export interface KeyFile {
  readonly type: 'ed25519';
  readonly name: string;
  readonly publicKey: string;
  readonly seed: string;
}

/** A fresh key pair from the operating system's CSPRNG. */
export function generateKeyPair(): KeyPair {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, publicKey: publicKeyFromSeed(seed) };
}

/** Writes a new key file with mode 0600. Refuses to overwrite an existing file (flag 'wx'). */
export function writeKeyFile(path: string, name: string, kp: KeyPair): void {
  if (typeof name !== 'string' || name === '') throw new TypeError('name: expected a non-empty string');
  if (!equalBytes(publicKeyFromSeed(kp.seed), kp.publicKey)) {
    throw new TypeError('kp.publicKey: does not belong to kp.seed');
  }
  const file: KeyFile = { type: 'ed25519', name, publicKey: toBase64(kp.publicKey), seed: toBase64(kp.seed) };
  try {
    writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`key file ${path} already exists; refusing to overwrite it (move it away or pick another path)`, {
        cause: e,
      });
    }
    throw new Error(`cannot write key file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function field(obj: Record<string, unknown>, key: string, path: string): string {
  const v = obj[key];
  if (typeof v !== 'string') throw new Error(`key file ${path}: "${key}" must be a string`);
  return v;
}

/** Reads and checks a key file. Errors name the file and say what is wrong with it. */
export function readKeyFile(path: string): { name: string } & KeyPair {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read key file ${path}: ${(e as Error).message}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    throw new Error(`key file ${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`key file ${path}: expected a JSON object`);
  }
  const obj = doc as Record<string, unknown>;
  if (obj['type'] !== 'ed25519') throw new Error(`key file ${path}: "type" must be "ed25519"`);
  const name = field(obj, 'name', path);
  if (name === '') throw new Error(`key file ${path}: "name" must not be empty`);
  const seedText = field(obj, 'seed', path);
  const publicKeyText = field(obj, 'publicKey', path);
  let seed: Uint8Array;
  let publicKey: Uint8Array;
  try {
    seed = fromBase64(seedText, 'seed');
    publicKey = fromBase64(publicKeyText, 'publicKey');
  } catch (e) {
    throw new Error(`key file ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (seed.length !== 32) throw new Error(`key file ${path}: "seed" must be 32 bytes, got ${seed.length}`);
  if (!equalBytes(publicKeyFromSeed(seed), publicKey)) {
    throw new Error(`key file ${path}: "publicKey" does not match "seed"`);
  }
  return { name, publicKey, seed };
}

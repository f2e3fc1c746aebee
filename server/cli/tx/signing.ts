// Signer key files, signing, and the transaction file that travels between signers who do not share keys:
// `{ "tx": {v,type,nonce,ts,body}, "sigs": [{signer,sig}…] }` — the signed transaction as POST /v1/transactions
// takes it, possibly with signatures still missing.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TX_TYPES } from '../../../contracts/index.js';
import type { Sig, SignedTx, Tx } from '../../../contracts/index.js';
import { readKeyFile } from '../../../ledger/crypto/keys.js';
import { parseStrictJson } from '../../../ledger/encoding/strict-json.js';
import { signTx } from '../../../ledger/tx/sign-tx.js';
import { CliError } from '../cli-error.js';

export interface SignerKey {
  readonly name: string;
  readonly seed: Uint8Array;
  readonly file: string;
}

const PARTY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const NONCE = /^[\x21-\x7e]{1,128}$/;
const KEY_HINT = 'create a key file with `ledgerhouse keys new --name <party-id> --out <file>`; its name must be the party id';

/** Reads the key files (in order); each one's `name` is the party it signs as. */
export function loadSignerKeys(files: readonly string[]): SignerKey[] {
  const keys = files.map((file) => {
    let key;
    try {
      key = readKeyFile(path.resolve(file));
    } catch (e) {
      throw new CliError(`bad key file: ${(e as Error).message}`, KEY_HINT);
    }
    if (!PARTY_ID.test(key.name)) {
      throw new CliError(`key file ${file} is named '${key.name}', which is not a party id ([a-z0-9][a-z0-9-]{1,62})`, KEY_HINT);
    }
    return { name: key.name, seed: key.seed, file };
  });
  const names = keys.map((k) => k.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new CliError(`two --key files sign as '${twice}'`, 'a party signs a transaction once; drop one --key');
  return keys;
}

export function checkNonce(nonce: string): string {
  if (!NONCE.test(nonce)) throw new CliError(`--nonce '${nonce}': expected 1–128 printable ASCII characters without spaces`, 'or leave --nonce out for a random one');
  return nonce;
}

export const randomNonce = (): string => `cli-${randomBytes(12).toString('base64url')}`;

export function newTx(type: string, body: unknown, nonce: string, nowMs: number): Tx {
  return { v: 1, type, nonce, ts: new Date(nowMs).toISOString(), body };
}

/** `signed` with a signature from every key appended (in order); refuses a party that has signed already. */
export function addSignatures(signed: SignedTx, keys: readonly SignerKey[]): SignedTx {
  const sigs: Sig[] = [...signed.sigs];
  for (const k of keys) {
    if (sigs.some((s) => s.signer === k.name)) {
      throw new CliError(`'${k.name}' has already signed this transaction`, 'each party signs once; pass the key of a party that has not signed yet');
    }
    sigs.push(signTx(signed.tx, k.name, k.seed));
  }
  return { tx: signed.tx, sigs };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkTxFile(doc: unknown, file: string): SignedTx {
  const bad = (what: string): never => {
    throw new CliError(`${file} is not a transaction file: ${what}`, 'create one with `ledgerhouse tx <type> … --out FILE`');
  };
  if (!isObject(doc) || !isObject(doc['tx']) || !Array.isArray(doc['sigs'])) return bad('expected {"tx": {…}, "sigs": […]}');
  const tx = doc['tx'];
  if (tx['v'] !== 1) bad('tx.v must be 1');
  if (typeof tx['type'] !== 'string' || !TX_TYPES.includes(tx['type'])) bad(`tx.type ${JSON.stringify(tx['type'])} is not a transaction type`);
  if (typeof tx['nonce'] !== 'string' || typeof tx['ts'] !== 'string' || !isObject(tx['body'])) bad('tx needs a nonce, a ts and a body object');
  for (const s of doc['sigs'] as unknown[]) {
    if (!isObject(s) || typeof s['signer'] !== 'string' || typeof s['sig'] !== 'string') bad('every sig is {"signer", "sig"}');
  }
  return doc as unknown as SignedTx;
}

export function readTxFile(file: string): SignedTx {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path of the transaction file');
  }
  let doc: unknown;
  try {
    doc = parseStrictJson(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`, 'the file must be exactly as `tx --out` or `tx-sign` wrote it');
  }
  return checkTxFile(doc, file);
}

const serialise = (signed: SignedTx): string => `${JSON.stringify(signed, null, 2)}\n`;

/** Writes a new transaction file; refuses to overwrite one (another signer may be waiting on it). */
export function writeNewTxFile(file: string, signed: SignedTx): void {
  try {
    writeFileSync(file, serialise(signed), { flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${file} already exists; not overwriting it`, 'choose another --out path, or remove the old file');
    throw new CliError(`cannot write ${file}: ${code ?? (e as Error).message}`, 'check the directory exists and is writable');
  }
}

/** Replaces a transaction file atomically (write beside it, then rename), so a crash never leaves half a file. */
export function replaceTxFile(file: string, signed: SignedTx): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, serialise(signed), { flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    throw new CliError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the directory is writable');
  }
}

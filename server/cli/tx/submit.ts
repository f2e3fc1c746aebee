// Where a signed transaction goes: a running server (--url, POST /v1/transactions) or the ledger of a local data
// directory (--data-dir, opened through the same commit pipeline the server uses, then closed cleanly). Either way
// the answer is the committed position and, where readable, the committed entry.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SignedTx } from '../../../contracts/index.js';
import { systemClock } from '../../../ledger/clock.js';
import { readKeyFile } from '../../../ledger/crypto/keys.js';
import { StrictJsonError } from '../../../ledger/encoding/strict-json.js';
import { decodeEntry, type LedgerEntry } from '../../../ledger/entry/entry.js';
import { ContractRejection, LedgerError } from '../../../ledger/errors.js';
import type { Committed } from '../../../ledger/pipeline/commit-pipeline.js';
import { txHash } from '../../../ledger/tx/tx-hash.js';
import { ConfigError, loadConfig } from '../../config.js';
import { keyPath, loadNodeKeys } from '../../node-keys.js';
import { openLedger } from '../../system.js';
import { CliError } from '../cli-error.js';
import { rejection } from './rejection.js';

export interface TargetFlags {
  readonly url?: string;
  readonly dataDir?: string;
  readonly token?: string;
}

export type Target = { readonly kind: 'url'; readonly url: string; readonly token?: string } | { readonly kind: 'data-dir'; readonly dataDir: string };

export interface Submitted extends Committed {
  /** The entry as committed; absent when a server would not show it (no --token, or not the token's to read). */
  readonly entry?: LedgerEntry;
}

/** The target the flags name; the default is the data directory of LH_DATA_DIR (or ./data). */
export function resolveTarget(flags: TargetFlags): Target {
  if (flags.url !== undefined && flags.dataDir !== undefined) {
    throw new CliError('both --url and --data-dir given', 'submit either to a running server (--url) or to a local data directory (--data-dir)');
  }
  if (flags.url !== undefined) {
    let url: URL;
    try {
      url = new URL(flags.url);
    } catch {
      throw new CliError(`--url ${flags.url} is not a URL`, 'give the server\'s base URL, e.g. --url http://127.0.0.1:8080');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url ${flags.url}: expected http:// or https://`);
    return { kind: 'url', url: flags.url.replace(/\/+$/, ''), ...(flags.token === undefined ? {} : { token: flags.token }) };
  }
  let dataDir: string;
  try {
    dataDir = path.resolve(flags.dataDir ?? loadConfig().dataDir);
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 'fix the variable, or pass --data-dir or --url');
    throw e;
  }
  if (!existsSync(path.join(dataDir, 'ledgerhouse.db')) || !existsSync(keyPath(dataDir, 'log'))) {
    throw new CliError(
      `no ledger in ${dataDir}`,
      'pass --data-dir DIR of an initialised data directory (`npm start` creates ./data), or --url of a running server',
    );
  }
  return { kind: 'data-dir', dataDir };
}

/** The entry with its fields in the documented order ({v,index,time,tx,sigs}); decoded leaves come sorted (RFC 8785). */
function ordered(e: LedgerEntry): LedgerEntry {
  const { v, type, nonce, ts, body } = e.tx;
  return { v: e.v, index: e.index, time: e.time, tx: { v, type, nonce, ts, body }, sigs: e.sigs.map(({ signer, sig }) => ({ signer, sig })) };
}

/** Maps the ledger's typed errors to a CLI error with the stable code; anything else is rethrown. */
function asRejection(e: unknown, type: string): never {
  if (e instanceof ContractRejection) throw rejection(type, e.error.code, e.error.message, e.error.field);
  if (e instanceof LedgerError) throw rejection(type, e.code, e.message, e.field);
  if (e instanceof StrictJsonError) throw rejection(type, e.code, e.message);
  throw e;
}

async function submitLocal(dataDir: string, signed: SignedTx): Promise<Submitted> {
  const origin = readKeyFile(keyPath(dataDir, 'log')).name; // the log key is named after the origin
  const config = loadConfig({}, { dataDir, origin });
  const { db, store, pipeline } = await openLedger(config, systemClock, loadNodeKeys(dataDir, origin));
  try {
    const committed = await pipeline.submit(signed).catch((e: unknown) => asRejection(e, signed.tx.type));
    const [record] = await store.entries(committed.index, committed.index + 1);
    return { ...committed, ...(record === undefined ? {} : { entry: ordered(decodeEntry(record.leaf)) }) };
  } finally {
    await pipeline.close();
    await store.close();
    if (db.open) db.close();
  }
}

/** How long to wait for a server's answer (a submission waits for its commit). */
const REQUEST_TIMEOUT_MS = 60_000;

const UNREACHED_HINT = 'check --url, and that the server is running (`npm start` prints its URL)';
/** Failures that happen before a request is sent: nothing reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'bad port']);

/** `ambiguousHint`: what to say when the request may have reached the server before failing. */
async function request(url: string, init: RequestInit, ambiguousHint = UNREACHED_HINT): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : cause?.code ?? cause?.message ?? (e as Error).message;
    throw new CliError(`cannot reach ${url}: ${why}`, NOT_SENT.has(why) ? UNREACHED_HINT : ambiguousHint);
  }
}

/** After a failed POST the transaction may or may not be committed; resubmitting the same (signer, nonce) is safe. */
const unknownOutcomeHint = (signed: SignedTx) =>
  `check --url and that the server runs; it may have committed the transaction: resubmit a file verbatim with \`tx-submit\`, or rerun \`tx\` with --nonce ${signed.tx.nonce} (a committed one is then refused as TX_NONCE_REUSED, never written twice)`;

async function problemOf(res: Response): Promise<{ code?: string; detail?: string; field?: string }> {
  try {
    return (await res.json()) as { code?: string; detail?: string; field?: string };
  } catch {
    return {};
  }
}

/** The committed entry, when the token may read it; otherwise a note saying why not (printed on stderr). */
async function fetchEntry(target: { url: string; token?: string }, committed: Committed): Promise<{ entry?: LedgerEntry; note?: string }> {
  if (target.token === undefined) return { note: 'entries are not public: pass --token (a token of a signer, the operator or a regulator) to print the committed entry' };
  const res = await request(`${target.url}/v1/ledger/entries?start=${committed.index}&end=${committed.index + 1}`, {
    headers: { authorization: `Bearer ${target.token}` },
  });
  if (!res.ok) {
    const p = await problemOf(res);
    return { note: `could not read the committed entry: ${p.code ?? res.status}: ${p.detail ?? res.statusText}` };
  }
  const body = (await res.json()) as { entries?: { entry?: LedgerEntry }[] };
  const entry = body.entries?.[0]?.entry;
  if (entry === undefined) return { note: 'the committed entry is not visible to this token (it sees entries its party signed; operator and regulator see all)' };
  if (txHash(entry.tx) !== committed.txHash) throw new CliError(`the server's entry ${committed.index} does not hold the submitted transaction`, 'do not trust this server; audit it with `ledgerhouse verify-ledger --url`');
  return { entry: ordered(entry) };
}

async function submitHttp(target: { url: string; token?: string }, signed: SignedTx): Promise<{ submitted: Submitted; note?: string }> {
  const res = await request(`${target.url}/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
    body: JSON.stringify(signed),
  }, unknownOutcomeHint(signed));
  if (!res.ok) {
    const p = await problemOf(res);
    if (p.code === undefined) throw new CliError(`the server answered ${res.status} ${res.statusText}`, 'check that --url points at a Ledgerhouse server');
    throw rejection(signed.tx.type, p.code, p.detail ?? '', p.field);
  }
  const committed = (await res.json()) as Committed;
  const { entry, note } = await fetchEntry(target, committed);
  return { submitted: { ...committed, ...(entry === undefined ? {} : { entry }) }, ...(note === undefined ? {} : { note }) };
}

/** Submits and resolves once committed; a refusal becomes a CliError naming the code. */
export async function submit(target: Target, signed: SignedTx): Promise<{ submitted: Submitted; note?: string }> {
  if (target.kind === 'url') return submitHttp(target, signed);
  return { submitted: await submitLocal(target.dataDir, signed) };
}

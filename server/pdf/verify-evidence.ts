// Offline verification of a receipt's evidence with the ledger's own pure code: the checkpoint's C2SP signature,
// each entry's RFC 6962 leaf hash and RFC 9162 inclusion proof against the checkpoint root, each entry's
// transaction signatures against the keys its signers had registered in the log, and that the entries really
// concern the receipt. Every check is reported, passing or failing, with what exactly it established.
// Pure and browser-safe (no I/O, no Buffer), so the web verifier can use it too.
import { objectId } from '../../contracts/ids.js';
import type { Sig } from '../../contracts/types.js';
import type { Checkpoint } from '../../ledger/checkpoint/checkpoint.js';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '../../ledger/checkpoint/note.js';
import { openCheckpoint } from '../../ledger/checkpoint/signed-checkpoint.js';
import { fromBase64, fromHex, toHex } from '../../ledger/encoding/bytes.js';
import { decodeEntry, type LedgerEntry } from '../../ledger/entry/entry.js';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { verifyInclusion } from '../../ledger/merkle/verify.js';
import { verifyTxSig } from '../../ledger/tx/sign-tx.js';
import type { EvidenceEntry, ReceiptEvidence } from './evidence.js';
import { createdBy } from './history-rows.js';

export interface PdfCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface PdfVerdict {
  /** Every check passed. With keyTrusted false this proves only that the PDF is self-consistent. */
  readonly ok: boolean;
  readonly receiptId: string;
  readonly size: number;
  /** The checkpoint verified under a key the caller trusts (not just the key the PDF carries). */
  readonly keyTrusted: boolean;
  readonly checks: readonly PdfCheck[];
}

export interface VerifyOptions {
  /** The log's verifier key as published by the log (`/v1/ledger/key`), obtained independently of the PDF. */
  readonly trustedKey?: string;
}

/** An entry whose bytes verified in the tree: decoded, with its index. */
interface Proven {
  readonly index: number;
  readonly entry: LedgerEntry;
}

const KEY_ENTRY_TYPES = new Set(['ledger.genesis', 'party.register', 'party.rotateKey']);
const LINKED_ID = /^(pl|al)-\d{12}$/;

export function verifyEvidence(ev: ReceiptEvidence, opts: VerifyOptions = {}): PdfVerdict {
  const checks: PdfCheck[] = [];
  const cp = checkpointCheck(ev, checks);
  const keyTrusted = trustedKeyCheck(ev, opts.trustedKey, checks);
  // Prove every entry first (any signature may need any key entry), then report entry by entry.
  const history = ev.entries.map((e) => proveEntry(e, 'entry', ev.size, cp));
  const keys = ev.keyEntries.map((e) => proveEntry(e, 'key entry', ev.size, cp, notKeyEntry));
  const provenKeys = keys.flatMap((k) => (k.proven === undefined ? [] : [k.proven]));
  const linked = new Set([ev.receiptId]);
  for (const h of history) {
    checks.push(...h.checks);
    if (h.proven === undefined) continue;
    checks.push(signatureCheck(h.proven, 'entry', provenKeys), concernCheck(ev.receiptId, h.proven, linked));
  }
  for (const k of keys) {
    checks.push(...k.checks);
    if (k.proven !== undefined) checks.push(signatureCheck(k.proven, 'key entry', provenKeys));
  }
  checks.push(creationCheck(ev, history));
  return { ok: checks.every((c) => c.ok), receiptId: ev.receiptId, size: ev.size, keyTrusted, checks };
}


const pass = (name: string, detail: string): PdfCheck => ({ name, ok: true, detail });
const fail = (name: string, detail: string): PdfCheck => ({ name, ok: false, detail });

function checkpointCheck(ev: ReceiptEvidence, checks: PdfCheck[]): Checkpoint | undefined {
  const name = 'checkpoint signature';
  let cp: Checkpoint;
  try {
    cp = openCheckpoint(ev.checkpoint, parseVerifierKey(ev.verifierKey)); // C2SP signed-note + tlog-checkpoint
  } catch (e) {
    checks.push(fail(name, `the checkpoint does not verify under the key the PDF carries: ${(e as Error).message}`));
    return undefined;
  }
  if (cp.size !== ev.size) {
    checks.push(fail(name, `the checkpoint is for size ${cp.size}, but the evidence claims size ${ev.size}`));
    return undefined;
  }
  checks.push(pass(name, `signed checkpoint of ${cp.origin} at size ${cp.size}, root ${toHex(cp.rootHash)}, verifies under ${ev.verifierKey}`));
  return cp;
}

/** Whether the checkpoint is signed by a key the caller trusts. */
function trustedKeyCheck(ev: ReceiptEvidence, trustedKey: string | undefined, checks: PdfCheck[]): boolean {
  const name = 'log key';
  if (trustedKey === undefined) {
    checks.push(pass(name, 'NOT ESTABLISHED: no trusted key was given, so the checkpoint was checked only against the key the PDF ' +
      'itself carries; that proves the PDF is self-consistent, not that the log published it (anyone can sign a self-consistent ' +
      "PDF with a key of their own). Compare the key with the log's /v1/ledger/key and pass it as the trusted key"));
    return false;
  }
  let key: VerifierKey;
  try {
    key = parseVerifierKey(trustedKey);
  } catch (e) {
    checks.push(fail(name, `the trusted key is not a verifier key: ${(e as Error).message}`));
    return false;
  }
  try {
    openCheckpoint(ev.checkpoint, key);
  } catch (e) {
    checks.push(fail(name, `the checkpoint is not signed by the trusted key ${trustedKey}: ${(e as Error).message}`));
    return false;
  }
  const same = formatVerifierKey(key.name, key.publicKey) === ev.verifierKey;
  checks.push(pass(name, `the checkpoint is signed by the trusted log key ${trustedKey}${same ? '' : ' (the PDF names another key, ignored)'}`));
  return true;
}

function notKeyEntry(e: LedgerEntry): string | undefined {
  return KEY_ENTRY_TYPES.has(e.tx.type) ? undefined : `is a ${e.tx.type}, not a key registration or rotation`;
}

interface Proof {
  readonly checks: readonly PdfCheck[];
  /** Present when the leaf is in the checkpoint's tree and decodes to a well-formed entry. */
  readonly proven?: Proven;
}

/** Inclusion of the leaf bytes in the checkpoint's tree, then their decoding. */
function proveEntry(
  e: EvidenceEntry, label: string, size: number, cp: Checkpoint | undefined,
  problem: (entry: LedgerEntry) => string | undefined = () => undefined,
): Proof {
  const inclusion = `${label} ${e.index} inclusion`;
  const record = `${label} ${e.index} record`;
  let leaf: Uint8Array;
  let proof: Uint8Array[];
  try {
    leaf = fromBase64(e.leaf, 'leaf');
    proof = e.proof.map((h, i) => fromHex(h, `proof[${i}]`));
  } catch (err) {
    return { checks: [fail(inclusion, `malformed evidence: ${(err as Error).message}`)] };
  }
  if (cp === undefined) return { checks: [fail(inclusion, 'not checked: there is no verified checkpoint root to check against')] };
  const leafHash = hashLeaf(leaf); // RFC 6962 §2.1
  if (!verifyInclusion(leafHash, e.index, size, proof, cp.rootHash)) { // RFC 9162 §2.1.3.2
    return { checks: [fail(inclusion, `leaf hash ${toHex(leafHash)} with this ${proof.length}-hash proof does not lead to the ` +
      'checkpoint root: the entry bytes or the proof were altered, or the proof is from another tree')] };
  }
  const included = pass(inclusion, `leaf hash ${toHex(leafHash)} is leaf ${e.index} of the tree of size ${size} (RFC 9162 proof of ${proof.length} hashes)`);
  let entry: LedgerEntry;
  try {
    entry = decodeEntry(leaf);
  } catch (err) {
    return { checks: [included, fail(record, (err as Error).message)] };
  }
  const bad = entry.index !== e.index ? `says it is entry ${entry.index}` : problem(entry);
  if (bad !== undefined) return { checks: [included, fail(record, `the entry ${bad}`)] };
  return { checks: [included, pass(record, `${entry.tx.type} at ${entry.time}, canonical RFC 8785 bytes`)], proven: { index: e.index, entry } };
}

/** The key `signer` registered most recently before `index`, from the proven key entries. */
function keyFor(signer: string, index: number, keys: readonly Proven[]): { key: string; at: number } | undefined {
  let found: { key: string; at: number } | undefined;
  for (const k of keys) {
    if (!(k.index < index || (k.index === 0 && index === 0))) continue; // a key signs from the entry after its own; genesis signs itself
    const introduced = introducedKey(k.entry, signer);
    if (introduced !== undefined && (found === undefined || k.index > found.at)) found = { key: introduced, at: k.index };
  }
  return found;
}

function introducedKey(e: LedgerEntry, signer: string): string | undefined {
  const b = e.tx.body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  if (e.tx.type === 'party.register' && b['id'] === signer) return str(b['publicKey']);
  if (e.tx.type === 'party.rotateKey' && b['party'] === signer) return str(b['publicKey']);
  if (e.tx.type === 'ledger.genesis') {
    const op = b['operator'] as Record<string, unknown> | undefined;
    if (op?.['id'] === signer) return str(op['publicKey']);
  }
  return undefined;
}

function signatureCheck(p: Proven, label: string, keys: readonly Proven[]): PdfCheck {
  const name = `${label} ${p.index} signatures`;
  const sigs: readonly Sig[] = p.entry.sigs;
  if (sigs.length === 0) return fail(name, 'the entry carries no transaction signature');
  const verified: string[] = [];
  for (const sig of sigs) {
    const k = keyFor(sig.signer, p.index, keys);
    if (k === undefined) return fail(name, `no proven entry in the evidence registers a key for signer '${sig.signer}' before entry ${p.index}`);
    let ok: boolean;
    try {
      ok = verifyTxSig(p.entry.tx, sig, fromBase64(k.key, 'publicKey'));
    } catch {
      ok = false;
    }
    if (!ok) return fail(name, `the signature by '${sig.signer}' does not verify under the key it registered at entry ${k.at}`);
    verified.push(`${sig.signer} (key of entry ${k.at})`);
  }
  // Not checked offline (verify-ledger replays them): that the contract required exactly these signers, and that
  // no key was rotated or revoked between its registration and this entry.
  return pass(name, `signed by ${verified.join(', ')}: each Ed25519 signature verifies over the transaction`);
}

function mentions(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) mentions(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) mentions(v, out);
  return out;
}

/**
 * An entry concerns the receipt when it creates it, names it, or names a lien or alert that an earlier entry of
 * the evidence tied to it (a release names only its pledge, a resolution only its alert). Call in log order:
 * `linked` collects the ids tied to the receipt so far.
 */
function concernCheck(receiptId: string, p: Proven, linked: Set<string>): PdfCheck {
  const name = `entry ${p.index} concerns receipt`;
  const named = mentions(p.entry.tx.body, new Set());
  const hit = [...named].find((id) => linked.has(id));
  const created = createdBy(receiptId, p.index);
  if (!created && hit === undefined) return fail(name, `${p.entry.tx.type} names neither ${[...linked].join(' nor ')}`);
  for (const id of named) if (LINKED_ID.test(id)) linked.add(id);
  for (const prefix of ['pl', 'al'] as const) linked.add(objectId(prefix, p.index));
  return pass(name, created ? `creates ${receiptId}` : `names ${hit}`);
}

function creationCheck(ev: ReceiptEvidence, history: readonly Proof[]): PdfCheck {
  const name = 'receipt creation';
  const creator = ev.entries.find((e) => createdBy(ev.receiptId, e.index));
  if (creator === undefined) return fail(name, `the entry that created ${ev.receiptId} is not in the evidence`);
  if (!history.some((h) => h.proven?.index === creator.index)) {
    return fail(name, `the entry that created ${ev.receiptId} (${creator.index}) is not proven in the log`);
  }
  return pass(name, `entry ${creator.index} created ${ev.receiptId} and is proven in the log`);
}

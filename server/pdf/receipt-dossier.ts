// Everything a receipt PDF shows and proves, gathered as of one published ledger size N: the receipt and its
// lien as they stood at N, its lineage, every entry that refers to it with its exact leaf bytes and inclusion
// proof at N, the entries that registered the keys its signers used, and the signed checkpoint at N. Access
// checks are the caller's job (the route), not this module's.
import type { Party, Pledge, Receipt } from '../../contracts/state.js';
import { LedgerError } from '../../ledger/errors.js';
import { decodeEntry, type LedgerEntry } from '../../ledger/entry/entry.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import { stateKey, type CheckpointRecord, type LedgerStore } from '../../ledger/store/ledger-store.js';
import { stateAtSize } from './state-at-size.js';

export interface DossierEntry {
  readonly index: number;
  /** The exact bytes hashed into the leaf. */
  readonly leaf: Uint8Array;
  readonly entry: LedgerEntry;
  /** Inclusion proof at the dossier's size, RFC 9162 order. */
  readonly proof: readonly Uint8Array[];
}

export interface ReceiptDossier {
  readonly receiptId: string;
  /** The ledger size N everything is taken at. */
  readonly size: number;
  /** Sequencer time of entry N−1: the ledger's time at size N. */
  readonly time: string;
  /** The C2SP signed checkpoint at N. */
  readonly checkpoint: string;
  readonly rootHash: Uint8Array;
  /** The log's verifier key (C2SP signed-note form). */
  readonly verifierKey: string;
  /** Base URL of the public verifier, without a trailing slash. */
  readonly publicBaseUrl: string;
  readonly receipt: Receipt;
  /** The active lien at N, or else the latest lien that covered this receipt, if any. */
  readonly pledge?: Pledge;
  readonly lineage: { readonly parents: readonly string[]; readonly children: readonly string[] };
  /** Display names of the parties the document names (id → name). */
  readonly partyNames: ReadonlyMap<string, string>;
  /** Every entry below N that refers to the receipt, in log order. */
  readonly history: readonly DossierEntry[];
  /** The entries that introduced the key each signer of `history` (and of these) held when signing. */
  readonly keyEntries: readonly DossierEntry[];
}

export interface DossierDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly verifierKey: string;
  readonly publicBaseUrl: string;
}

const EVENT_PAGE = 1000;

/**
 * The receipt's dossier at `atSize` (default: the latest checkpoint), or undefined when the receipt did not exist
 * at that size. Throws LedgerError INDEX_OUT_OF_RANGE when no checkpoint was signed at `atSize`.
 */
export async function buildReceiptDossier(deps: DossierDeps, receiptId: string, atSize?: number): Promise<ReceiptDossier | undefined> {
  const { store, reader } = deps;
  const cp = await checkpointFor(store, atSize);
  const size = cp.size;
  const objects = await stateAtSize(store, size, [{ kind: 'receipt', id: receiptId }]);
  const receipt = objects.get(stateKey('receipt', receiptId)) as Receipt | undefined;
  if (receipt === undefined) return undefined;
  const pledge = await pledgeAt(store, size, receipt);
  const history = await historyIndices(store, receiptId, size);
  const historyEntries = await Promise.all(history.map((i) => dossierEntry(store, reader, i, size)));
  const parties = await partiesOf(store, [
    receipt.warehouse, receipt.holder, ...receipt.certificates.map((c) => c.inspector),
    ...(pledge === undefined ? [] : [pledge.bank, pledge.holder]),
  ]);
  const keyEntries = await keyEntriesFor(store, reader, size, historyEntries, parties);
  return {
    receiptId, size, time: await timeAt(store, size), checkpoint: cp.note, rootHash: cp.rootHash,
    verifierKey: deps.verifierKey, publicBaseUrl: deps.publicBaseUrl.replace(/\/+$/, ''),
    receipt, ...(pledge === undefined ? {} : { pledge }),
    lineage: { parents: [...receipt.parents], children: [...(receipt.successors ?? [])] },
    partyNames: new Map([...parties.values()].map((p) => [p.id, p.name])),
    history: historyEntries, keyEntries,
  };
}

async function checkpointFor(store: LedgerStore, atSize: number | undefined): Promise<CheckpointRecord> {
  const latest = await store.latestCheckpoint();
  if (latest === undefined || latest.size === 0) throw new LedgerError('INDEX_OUT_OF_RANGE', 'the log has no published entries yet', 'size');
  if (atSize === undefined || atSize === latest.size) return latest;
  const cp = Number.isSafeInteger(atSize) && atSize > 0 && atSize < latest.size ? await store.checkpointAt(atSize) : undefined;
  if (cp === undefined) {
    throw new LedgerError('INDEX_OUT_OF_RANGE', `no checkpoint was signed at size ${atSize} (published size ${latest.size})`, 'size');
  }
  return cp;
}

/** The active pledge, or else the most recent pledge whose lien covered this very receipt. */
async function pledgeAt(store: LedgerStore, size: number, receipt: Receipt): Promise<Pledge | undefined> {
  const id = receipt.pledge ?? receipt.pledges.at(-1);
  if (id === undefined) return undefined;
  const pledge = (await stateAtSize(store, size, [{ kind: 'pledge', id }])).get(stateKey('pledge', id)) as Pledge | undefined;
  return pledge?.receipts.includes(receipt.id) === true ? pledge : undefined;
}

/** Indices of the entries below `size` whose events refer to `id`, ascending, each once. */
async function historyIndices(store: LedgerStore, id: string, size: number): Promise<number[]> {
  const out = new Set<number>();
  for (let from = 0; ; ) {
    const page = await store.eventsByRef(id, from, EVENT_PAGE);
    for (const e of page) if (e.index < size) out.add(e.index);
    const last = page.at(-1);
    if (last === undefined || page.length < EVENT_PAGE || last.index >= size) break;
    from = last.index + 1;
  }
  return [...out].sort((a, b) => a - b);
}

async function dossierEntry(store: LedgerStore, reader: LogReader, index: number, size: number): Promise<DossierEntry> {
  const [rec] = await store.entries(index, index + 1);
  if (rec === undefined) throw new Error(`entry ${index} is missing from the store`);
  const proof = await reader.inclusion(index, size);
  return { index, leaf: rec.leaf, entry: decodeEntry(rec.leaf), proof: proof.proof };
}

async function timeAt(store: LedgerStore, size: number): Promise<string> {
  const [last] = await store.entries(size - 1, size);
  if (last === undefined) throw new Error(`entry ${size - 1} is missing from the store`);
  return decodeEntry(last.leaf).time;
}

/**
 * Parties by id. Their latest version serves for any size: names never change, and a key history only grows
 * (the period covering an index below N is the same at N as now).
 */
async function partiesOf(store: LedgerStore, ids: readonly string[]): Promise<Map<string, Party>> {
  const unique = [...new Set(ids)];
  const found = await store.getState(unique.map((id) => ({ kind: 'party' as const, id })));
  const out = new Map<string, Party>();
  for (const id of unique) {
    const rec = found.get(stateKey('party', id));
    if (rec !== undefined) out.set(id, rec.object as Party);
  }
  return out;
}

/** Index of the entry that introduced the key `party` held at `index`: its registration or rotation. */
function keyEntryIndex(party: Party, index: number): number | undefined {
  const period = party.keyHistory.find((k) => k.from <= index && (k.until === undefined || index < k.until));
  if (period === undefined) return undefined;
  return period.from === 0 ? 0 : period.from - 1; // genesis keys sign from 0; others from their entry + 1
}

/** Key entries for every signer of `entries`, then for the signers of those, down to genesis. */
async function keyEntriesFor(
  store: LedgerStore, reader: LogReader, size: number, entries: readonly DossierEntry[], parties: Map<string, Party>,
): Promise<DossierEntry[]> {
  const have = new Map<number, DossierEntry>();
  let todo = entries;
  while (todo.length > 0) {
    const signers = todo.flatMap((e) => e.entry.sigs.map((s) => ({ signer: s.signer, index: e.index })));
    for (const [id, p] of await partiesOf(store, signers.map((s) => s.signer))) parties.set(id, p);
    const wanted = new Set<number>();
    for (const { signer, index } of signers) {
      const party = parties.get(signer);
      const k = party === undefined ? undefined : keyEntryIndex(party, index);
      if (k !== undefined && !have.has(k)) wanted.add(k);
    }
    todo = await Promise.all([...wanted].map((k) => dossierEntry(store, reader, k, size)));
    for (const e of todo) have.set(e.index, e);
  }
  return [...have.values()].sort((a, b) => a.index - b.index);
}

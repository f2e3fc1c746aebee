// Synthetic log entries for the storage benchmarks: entry-shaped RFC 8785 JSON ({v, index, time, tx, sigs}) of
// about 300 bytes with a real tx hash, or a minimal leaf when only the tree's shape matters (proof benchmarks).
// Nothing here is signed for real: these entries exercise storage and the Merkle tree, not the contracts.
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64, toHex, utf8 } from '../ledger/encoding/bytes.js';
import { canonicalBytes } from '../ledger/encoding/canonical.js';
import { hashLeaf } from '../ledger/merkle/hash.js';
import type { EntryRecord } from '../ledger/store/ledger-store.js';

/** An entry record without its leaf hash (computing that is part of what the append benchmark times). */
export type UnhashedEntry = Omit<EntryRecord, 'leafHash'>;

const TYPE = 'bench.synthetic';
const CLIENTS = 100;
const FAKE_SIG = toBase64(new Uint8Array(64).fill(0x5a));
const T0 = Date.UTC(2026, 10, 24);

/** Entry `index` as ~300 bytes of canonical JSON, with the SHA-256 of its tx as tx hash (as the pipeline makes it). */
export function syntheticEntry(index: number): UnhashedEntry {
  const signer = `bench-client-${index % CLIENTS}`;
  const nonce = `n-${index}`;
  const tx = {
    v: 1, type: TYPE, nonce, ts: new Date(T0 + index).toISOString(),
    body: { receipt: `rc-${String(index).padStart(12, '0')}`, to: `holder-${index % 997}`, note: 'synthetic' },
  };
  const leaf = canonicalBytes({ v: 1, index, time: new Date(T0 + index).toISOString(), tx, sigs: [{ signer, sig: FAKE_SIG }] });
  return { index, leaf, txHash: toHex(sha256(canonicalBytes(tx))), type: TYPE, signer, nonce };
}

/** Entries [start, start + count) as ~300-byte synthetic entries. */
export function syntheticEntries(start: number, count: number): UnhashedEntry[] {
  return Array.from({ length: count }, (_, i) => syntheticEntry(start + i));
}

/**
 * A minimal entry for building very large trees quickly: a 15–25 byte canonical JSON leaf with its RFC 6962 leaf
 * hash, a tx hash whose first 8 bytes count up (the SQLite store indexes that prefix) and a zero-padded nonce, so
 * both indexes grow append-only. Not a real SHA-256: only the tree's shape matters here.
 */
export function minimalEntry(index: number): EntryRecord {
  const leaf = utf8(`{"index":${index}}`);
  return {
    index,
    leaf,
    leafHash: hashLeaf(leaf),
    txHash: index.toString(16).padStart(16, '0').padEnd(64, '0'),
    type: TYPE,
    signer: 'bench',
    nonce: String(index).padStart(15, '0'),
  };
}

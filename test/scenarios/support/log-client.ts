// What a bank's auditing client does with the log, using only the ledger's pure verifiers: keep the largest
// checkpoint it verified, demand consistency proofs to each new one, gossip checkpoints with other clients, and
// ask a witness to cosign. Plus the tools of a dishonest operator who holds the log key (for fork scenarios).
import { cosign, formatCosignerVerifierKey, parseCosignerVerifierKey, verifyCosignature } from '../../../ledger/checkpoint/cosignature.js';
import type { Checkpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { parseVerifierKey } from '../../../ledger/checkpoint/note-keys.js';
import { openNote } from '../../../ledger/checkpoint/note.js';
import { openCheckpointNote, signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { fromHex } from '../../../ledger/encoding/bytes.js';
import { equalBytes, verifyConsistency } from '../../../ledger/merkle/verify.js';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import type { World } from './world.js';

export const openCp = (note: string, logKey: string): Checkpoint => openCheckpointNote(note, parseVerifierKey(logKey)).checkpoint;

export async function fetchCheckpoint(w: World): Promise<{ note: string; logKey: string }> {
  const note = (await w.get('/v1/ledger/checkpoint')).body as unknown as string;
  const logKey = ((await w.get('/v1/ledger/key')).body as unknown as string).trim();
  return { note, logKey };
}

export interface ConsistencyAnswer { readonly first: number; readonly second: number; readonly proof: readonly string[] }

/** Does `proof` show the log of `next` extends the log of `saved`? (RFC 9162 §2.1.4.2, the ledger's pure verifier) */
export function extendsSaved(saved: Checkpoint, next: Checkpoint, proof: readonly string[]): boolean {
  return verifyConsistency(saved.size, next.size, proof.map((h) => fromHex(h, 'proof')), saved.rootHash, next.rootHash);
}

/** Two checkpoints validly signed by the same log key, of the same size, with different roots: proof of a fork. */
export function isForkProof(a: string, b: string, logKey: string): boolean {
  const ca = openCp(a, logKey);
  const cb = openCp(b, logKey);
  return ca.size === cb.size && !equalBytes(ca.rootHash, cb.rootHash);
}

/** A dishonest operator's view: the log's leaf hashes with some replaced, its root, a proof, a signed checkpoint. */
export function rewrittenLog(leafHashes: readonly Uint8Array[], logSeed: Uint8Array, origin: string) {
  const tree = new MemoryTree();
  tree.appendLeafHashes(leafHashes);
  const checkpoint: Checkpoint = { origin, size: tree.size, rootHash: tree.root(), extensions: [] };
  return {
    tree,
    note: signCheckpoint(checkpoint, { name: origin, seed: logSeed }),
  };
}

export async function leafHashes(w: World, size: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let start = 0; start < size; start += 1000) {
    const { leaves } = (await w.get<{ leaves: { leafHash: string }[] }>(`/v1/ledger/leaves?start=${start}&end=${Math.min(size, start + 1000)}`)).body;
    out.push(...leaves.map((l) => fromHex(l.leafHash, 'leafHash')));
  }
  return out;
}

/**
 * A witness (C2SP tlog-witness, reduced): it cosigns a checkpoint only when it is consistent with the last one it
 * cosigned for the log, so no two clients can be shown different histories that both carry its cosignature.
 */
export class Witness {
  #last: Checkpoint | undefined;
  readonly vkey: string;

  constructor(readonly name: string, private readonly seed: Uint8Array, private readonly logKey: string) {
    this.vkey = formatCosignerVerifierKey(name, publicKeyFromSeed(seed));
  }

  /** The note with the witness's cosignature appended, or the reason it refuses. */
  cosign(note: string, proof: readonly string[], nowS: number): { note: string } | { refused: string } {
    const cp = openCp(note, this.logKey);
    const last = this.#last;
    if (last !== undefined) {
      if (cp.size < last.size) return { refused: `rollback from ${last.size} to ${cp.size}` };
      const same = cp.size === last.size && equalBytes(cp.rootHash, last.rootHash);
      if (!same && (cp.size === last.size || !extendsSaved(last, cp, proof))) return { refused: `not consistent with the checkpoint of size ${last.size} it cosigned` };
    }
    this.#last = cp;
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    return { note: `${note}${cosign(text, { name: this.name, seed: this.seed }, nowS)}` };
  }
}

/** Does `note` carry a valid cosignature by the witness `vkey`? */
export function witnessed(note: string, logKey: string, vkey: string): boolean {
  const opened = openNote(note, [parseVerifierKey(logKey)]);
  const key = parseCosignerVerifierKey(vkey);
  return opened.unverified.some((u) => verifyCosignature(opened.text, u, key).ok);
}

// Signs checkpoints (C2SP tlog-checkpoint in a C2SP signed note). It never signs a checkpoint that is not
// consistent with the previous one: before signing size n it proves consistency from the last signed size m to n
// with the pure RFC 9162 verifier, using the stored nodes plus the batch's new ones.
import { formatVerifierKey } from '../checkpoint/note.js';
import { signCheckpoint } from '../checkpoint/signed-checkpoint.js';
import { publicKeyFromSeed } from '../crypto/ed25519.js';
import { toHex, equalBytes } from '../encoding/bytes.js';
import { LedgerError } from '../errors.js';
import { edgeRoot, type RightEdge } from '../merkle/compact-range.js';
import type { NodeId } from '../merkle/node-id.js';
import { assembleProof, consistencyPlan } from '../merkle/proof-plan.js';
import { verifyConsistency } from '../merkle/verify.js';
import { SequenceConflict, type CheckpointRecord, type LedgerStore, type NodeRecord } from '../store/ledger-store.js';

export class LogSigner {
  readonly publicKey: Uint8Array;
  /** The log's verifier key in signed-note form: `origin+keyhash+base64(0x01‖key)`. */
  readonly verifierKey: string;

  /** `origin` is the checkpoint origin line and the note key name, e.g. `ledgerhouse.example/log`. */
  /**
   * `fastSign` (optional) signs with the same key faster, e.g. node:crypto's `signFast`; without it the portable
   * signer is used. Ed25519 is deterministic, so both give the same checkpoint bytes.
   */
  constructor(
    readonly origin: string,
    private readonly seed: Uint8Array,
    private readonly fastSign?: (seed: Uint8Array, msg: Uint8Array) => Uint8Array,
  ) {
    this.publicKey = publicKeyFromSeed(seed);
    this.verifierKey = formatVerifierKey(origin, this.publicKey);
  }

  /** On start: the stored tree must match the latest signed checkpoint exactly. */
  async checkResume(store: LedgerStore, root: Uint8Array, size: number): Promise<void> {
    const latest = await store.latestCheckpoint();
    if (latest === undefined) {
      if (size === 0) return;
      throw new LedgerError('LOG_INCONSISTENT', `the log holds ${size} entries but no signed checkpoint`);
    }
    if (latest.size !== size || !equalBytes(latest.rootHash, root)) {
      throw new LedgerError(
        'LOG_INCONSISTENT',
        `stored tree (size ${size}, root ${toHex(root)}) differs from the latest checkpoint (size ${latest.size}, root ${toHex(latest.rootHash)})`,
      );
    }
  }

  /** Sign a checkpoint for `edge` after proving it consistent with the latest stored checkpoint. */
  async sign(store: LedgerStore, oldSize: number, edge: RightEdge, newNodes: readonly NodeRecord[]): Promise<CheckpointRecord> {
    const root = edgeRoot(edge);
    const previous = await store.latestCheckpoint();
    if ((previous?.size ?? 0) !== oldSize) {
      // Another sequencer published since we planned: the caller reloads and plans again.
      throw new SequenceConflict(previous?.size ?? 0, oldSize);
    }
    if (previous !== undefined && previous.size > 0 && previous.size < edge.size) {
      const plan = consistencyPlan(previous.size, edge.size);
      const hashes = await readNodes(store, plan.ids, newNodes);
      const proof = assembleProof(plan, hashes);
      if (!verifyConsistency(previous.size, edge.size, proof, previous.rootHash, root)) {
        throw new LedgerError('LOG_INCONSISTENT', `refusing to sign size ${edge.size}: not consistent with checkpoint ${previous.size}`);
      }
    }
    const note = signCheckpoint(
      { origin: this.origin, size: edge.size, rootHash: root, extensions: [] },
      { name: this.origin, seed: this.seed, publicKey: this.publicKey, ...(this.fastSign === undefined ? {} : { sign: this.fastSign }) },
    );
    return { size: edge.size, rootHash: root, note };
  }
}

async function readNodes(store: LedgerStore, ids: readonly NodeId[], fresh: readonly NodeRecord[]): Promise<Uint8Array[]> {
  const byKey = new Map(fresh.map((n) => [`${n.id.level}/${n.id.index}`, n.hash]));
  const missing = ids.filter((id) => !byKey.has(`${id.level}/${id.index}`));
  const stored = await store.nodes(missing);
  missing.forEach((id, i) => byKey.set(`${id.level}/${id.index}`, stored[i]!));
  return ids.map((id) => byKey.get(`${id.level}/${id.index}`)!);
}

// A small, hand-built log for testing verifiers: real entry bytes (RFC 8785), a real RFC 6962 tree and a real
// C2SP signed checkpoint, but no contracts — so a test can commit what an honest pipeline never would (a bad
// signature, a forged entry) and check that the browser-side verifier names the right reason.
import type { Sig, Tx } from '../../../contracts/types.js';
import { formatVerifierKey } from '../../../ledger/checkpoint/note.js';
import { signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { toBase64, toHex } from '../../../ledger/encoding/bytes.js';
import { encodeEntry, type LedgerEntry } from '../../../ledger/entry/entry.js';
import { MemoryTree } from '../../../ledger/merkle/memory-tree.js';
import { signTx } from '../../../ledger/tx/sign-tx.js';
import type { KeyPeriod } from '../../../web/src/verify/signature-check.js';
import { testKey, type TestKey } from '../../support/ledger-harness.js';

export const MINI_ORIGIN = 'mini.ledgerhouse/log';

export interface MiniLog {
  readonly logKey: TestKey;
  readonly verifierKey: string;
  readonly entries: LedgerEntry[];
  readonly leaves: Uint8Array[];
  readonly tree: MemoryTree;
  readonly histories: Map<string, KeyPeriod[]>;
}

export function miniLog(logSalt = ''): MiniLog {
  const logKey = testKey('mini-log', logSalt);
  return { logKey, verifierKey: formatVerifierKey(MINI_ORIGIN, logKey.publicKey), entries: [], leaves: [], tree: new MemoryTree(), histories: new Map() };
}

/** Appends an entry signed by `signers` (or carrying `sigs` as given); returns its index. */
export function append(log: MiniLog, type: string, body: unknown, signers: readonly TestKey[], sigs?: readonly Sig[]): number {
  const index = log.entries.length;
  const tx: Tx = { v: 1, type, nonce: `mini-${index}`, ts: '2026-11-24T00:00:00.000Z', body };
  const entry: LedgerEntry = { v: 1, index, time: `2026-11-24T00:00:${String(index % 60).padStart(2, '0')}.000Z`, tx, sigs: sigs ?? signers.map((k) => signTx(tx, k.id, k.seed)) };
  const bytes = encodeEntry(entry);
  log.entries.push(entry);
  log.leaves.push(bytes);
  log.tree.append([bytes]);
  return index;
}

/** Registers a party key from the entry after `index` (what the party directory would say). */
export function registerKey(log: MiniLog, key: TestKey, from: number): void {
  log.histories.set(key.id, [...(log.histories.get(key.id) ?? []), { publicKey: key.publicKeyB64, from }]);
}

export function checkpointNote(log: MiniLog, size = log.tree.size, seed = log.logKey.seed): string {
  return signCheckpoint({ origin: MINI_ORIGIN, size, rootHash: log.tree.root(size), extensions: [] }, { name: MINI_ORIGIN, seed });
}

/** What `GET /v1/verify/{id}` would answer for the receipt created at `index`. */
export function verifyResponse(log: MiniLog, index: number, receipt: string, warehouse: string, size = log.tree.size): Record<string, unknown> {
  return {
    receipt, status: 'active', underLien: false, warehouse, issuedIndex: index, lastChangedIndex: index, checkpointSize: size,
    evidence: {
      index, leaf: toBase64(log.leaves[index]!), size,
      proof: log.tree.inclusionProof(index, size).map(toHex), checkpoint: checkpointNote(log, size),
    },
  };
}

/** A log with an operator, a warehouse and one receipt issued at index 2 (optionally with a bad signature). */
export function issuedReceipt(opts: { badSig?: boolean; logSalt?: string } = {}): { log: MiniLog; receipt: string; index: number; warehouse: TestKey; operator: TestKey } {
  const log = miniLog(opts.logSalt);
  const operator = testKey('operator');
  const warehouse = testKey('wh-mini');
  append(log, 'ledger.genesis', { origin: MINI_ORIGIN, operator: { id: 'operator', name: 'Operator', publicKey: operator.publicKeyB64 } }, [operator]);
  registerKey(log, operator, 0);
  append(log, 'party.register', { id: warehouse.id, role: 'warehouse', name: 'Mini warehouse', publicKey: warehouse.publicKeyB64 }, [operator]);
  registerKey(log, warehouse, 2);
  const body = { warehouse: warehouse.id, holder: 'someone', site: 's1', bay: 'b1', lot: 'L1', commodity: 'wheat', grade: 'No. 2', quantity: '10.000', unit: 't' };
  const sigs = opts.badSig === true ? [{ ...signTx({ v: 1, type: 'receipt.issue', nonce: 'other', ts: '2026-11-24T00:00:00.000Z', body }, warehouse.id, warehouse.seed) }] : undefined;
  const index = append(log, 'receipt.issue', body, [warehouse], sigs);
  return { log, receipt: `rc-${String(index).padStart(12, '0')}`, index, warehouse, operator };
}

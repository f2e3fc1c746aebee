// What this browser remembers about a log between visits: the log's verifier key (pinned on first use) and the
// largest checkpoint it has verified. On the next visit the registry must prove its new checkpoint consistent with
// this one (consistency-check.ts), and must still use the same key. Stored per log key name in localStorage.
// Browser-safe; the storage is injected (any Storage-like object), so this is unit-tested without a browser.
import { fromBase64, toBase64 } from '../../../ledger/encoding/bytes.js';
import type { LabeledHead, TreeHead } from './consistency-check.js';

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SeenCheckpoint {
  /** The log's verifier key text, as first seen. */
  readonly verifierKey: string;
  readonly size: number;
  /** Base64 root hash of the checkpoint of `size`. */
  readonly root: string;
  /** When this browser verified it, RFC 3339. */
  readonly seenAt: string;
}

const PREFIX = 'ledgerhouse.seen.v1:';

const storageKey = (logName: string): string => `${PREFIX}${logName}`;

function isSeen(v: unknown): v is SeenCheckpoint {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s['verifierKey'] === 'string' && Number.isSafeInteger(s['size']) && (s['size'] as number) > 0 &&
    typeof s['root'] === 'string' && typeof s['seenAt'] === 'string';
}

/** The remembered checkpoint of the log named `logName`; undefined when none (a damaged record is dropped). */
export function recallSeen(storage: KeyValueStorage, logName: string): SeenCheckpoint | undefined {
  const raw = storage.getItem(storageKey(logName));
  if (raw === null) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (isSeen(value)) {
      fromBase64(value.root, 'root');
      return value;
    }
  } catch {
    // fall through: unreadable, forget it
  }
  storage.removeItem(storageKey(logName));
  return undefined;
}

export function rememberSeen(storage: KeyValueStorage, logName: string, verifierKey: string, head: TreeHead, seenAt: string): SeenCheckpoint {
  const record: SeenCheckpoint = { verifierKey, size: head.size, root: toBase64(head.rootHash), seenAt };
  storage.setItem(storageKey(logName), JSON.stringify(record));
  return record;
}

export function forgetSeen(storage: KeyValueStorage, logName: string): void {
  storage.removeItem(storageKey(logName));
}

/** The remembered checkpoint as a head for consistency checks. */
export function seenHead(seen: SeenCheckpoint): LabeledHead {
  return { size: seen.size, rootHash: fromBase64(seen.root, 'root'), label: `the checkpoint this browser verified on ${seen.seenAt.slice(0, 10)}` };
}

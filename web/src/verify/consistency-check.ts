// Two verified checkpoints of one log must describe one history: the smaller tree must be a prefix of the larger
// (RFC 9162 §2.1.4 consistency proof), and two trees of the same size must have the same root. A log that signed
// two inconsistent trees has been forked (or rolled back) — the one thing a signature alone cannot reveal.
// The proof comes from the (untrusted) log; the roots only ever from the verified checkpoints. Browser-safe.
import { fromHex } from '../../../ledger/encoding/bytes.js';
import { equalBytes, verifyConsistency } from '../../../ledger/merkle/verify.js';
import type { StepLog } from './verdict.js';

/** A verified tree head: size and root from one signed checkpoint. */
export interface TreeHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** A tree head with words for it in messages, e.g. "the checkpoint this browser saw on 24 Nov 2026". */
export interface LabeledHead extends TreeHead {
  readonly label: string;
}

/**
 * The consistency proof between sizes `first` < `second` as hex hashes, or undefined when the log refuses to give
 * one (e.g. `second` is beyond what it now publishes). Network failures should throw, not answer undefined.
 */
export type ConsistencyLookup = (first: number, second: number) => Promise<readonly string[] | undefined>;

function hashes(log: StepLog, proof: readonly string[]): Uint8Array[] {
  try {
    return proof.map((h, i) => fromHex(h, `proof[${i}]`));
  } catch (e) {
    return log.fail('consistency', 'LOG_FORKED', `The log answered a malformed consistency proof: ${(e as Error).message}.`);
  }
}

/**
 * Checks that `a` and `b` are consistent; returns the larger head (the one to remember). Fails LOG_FORKED naming
 * both checkpoints when they are not, or when the log cannot prove that they are.
 */
export async function checkConsistent(log: StepLog, a: LabeledHead, b: LabeledHead, lookup: ConsistencyLookup): Promise<LabeledHead> {
  if (a.size === b.size) {
    if (!equalBytes(a.rootHash, b.rootHash)) {
      log.fail('consistency', 'LOG_FORKED', `The log has signed two different trees of size ${a.size}: ${a.label} and ${b.label} disagree. The log has been forked.`);
    }
    log.pass('consistency', `${b.label} is the same tree as ${a.label}`);
    return b;
  }
  const [older, newer] = a.size < b.size ? [a, b] : [b, a];
  const proof = await lookup(older.size, newer.size);
  if (proof === undefined) {
    log.fail('consistency', 'LOG_FORKED',
      `The log cannot prove that ${newer.label} (size ${newer.size}) extends ${older.label} (size ${older.size}): it may have been rolled back or forked.`);
  }
  if (!verifyConsistency(older.size, newer.size, hashes(log, proof), older.rootHash, newer.rootHash)) {
    log.fail('consistency', 'LOG_FORKED',
      `${capitalise(newer.label)} (size ${newer.size}) does not extend ${older.label} (size ${older.size}): the consistency proof fails, so the log has been forked or rewritten.`);
  }
  log.pass('consistency', `${newer.label} (size ${newer.size}) extends ${older.label} (size ${older.size})`);
  return newer;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

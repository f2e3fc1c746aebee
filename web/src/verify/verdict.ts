// The outcome of a verification: every check that ran, and — when one failed — a stable code and a sentence a
// person can act on. Expected outcomes (a bad signature, a proof that does not match) are values, never thrown
// out of the public functions; only misuse throws. Browser-safe.

/** What a verifier checks, in the order it checks it. */
export type CheckId = 'log-key' | 'checkpoint' | 'inclusion' | 'entry' | 'signatures' | 'creation' | 'consistency';

/** Why something is not valid. Stable: tests and the page key on these. */
export type FailureCode =
  | 'RECEIPT_NOT_FOUND' // the registry has no such receipt
  | 'EVIDENCE_MALFORMED' // the evidence is not in the expected form (bad base64, missing field, wrong size)
  | 'LOG_KEY_INVALID' // the log's verifier key is not a C2SP Ed25519 key
  | 'LOG_KEY_CHANGED' // the log key differs from the one this browser (or the registry) knows for this log
  | 'CHECKPOINT_SIGNATURE_INVALID' // the checkpoint is not signed by the log key
  | 'CHECKPOINT_MALFORMED' // the checkpoint note or body is malformed, or names another log
  | 'NOT_IN_LOG' // the entry's inclusion proof does not lead to the signed root
  | 'ENTRY_MALFORMED' // the leaf bytes are not a canonical ledger entry, or claim another index
  | 'SIGNATURE_INVALID' // a transaction signature does not verify under the signer's key at that index
  | 'SIGNER_KEY_UNKNOWN' // no key is known for a signer at that index
  | 'NOT_CREATED_BY_ENTRY' // the entry is genuine but did not create this receipt
  | 'LOG_FORKED'; // the log is inconsistent with a checkpoint seen before (a fork or a rollback)

export interface Step {
  readonly check: CheckId;
  readonly ok: boolean;
  /** One line on what was established (or what failed). */
  readonly detail: string;
}

export type Verdict<T> =
  | { readonly ok: true; readonly steps: readonly Step[]; readonly value: T }
  | { readonly ok: false; readonly steps: readonly Step[]; readonly code: FailureCode; readonly reason: string };

/** Thrown inside a verification run to stop at the first failed check; turned into a Verdict by `runChecks`. */
export class CheckFailure extends Error {
  constructor(
    readonly check: CheckId,
    readonly code: FailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Records passed steps and stops at the first failure. */
export class StepLog {
  readonly steps: Step[] = [];

  pass(check: CheckId, detail: string): void {
    this.steps.push({ check, ok: true, detail });
  }

  fail(check: CheckId, code: FailureCode, reason: string): never {
    throw new CheckFailure(check, code, reason);
  }
}

/** Runs `body` with a fresh StepLog; a CheckFailure becomes a failed verdict, anything else propagates (a bug). */
export async function runChecks<T>(body: (log: StepLog) => Promise<T> | T): Promise<Verdict<T>> {
  const log = new StepLog();
  try {
    const value = await body(log);
    return { ok: true, steps: log.steps, value };
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    const steps = [...log.steps, { check: e.check, ok: false, detail: e.message }];
    return { ok: false, steps, code: e.code, reason: e.message };
  }
}

/** Human headings for each code, shown above the specific reason. */
export const FAILURE_TITLES: Readonly<Record<FailureCode, string>> = {
  RECEIPT_NOT_FOUND: 'No such receipt in this registry',
  EVIDENCE_MALFORMED: 'The evidence is malformed',
  LOG_KEY_INVALID: 'The log key is invalid',
  LOG_KEY_CHANGED: 'The log key has changed',
  CHECKPOINT_SIGNATURE_INVALID: 'Checkpoint signature invalid',
  CHECKPOINT_MALFORMED: 'The checkpoint is malformed',
  NOT_IN_LOG: 'Not in the log',
  ENTRY_MALFORMED: 'The ledger entry is malformed',
  SIGNATURE_INVALID: 'Bad signature',
  SIGNER_KEY_UNKNOWN: 'Unknown signer key',
  NOT_CREATED_BY_ENTRY: 'The entry did not create this receipt',
  LOG_FORKED: 'Inconsistent with a checkpoint seen before',
};

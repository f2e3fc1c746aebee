// Opening the log's key and a signed checkpoint, with the failure mapped to a specific reason. The checkpoint is a
// C2SP tlog-checkpoint in a C2SP signed-note; its size and root are used only together, from the verified note
// (RFC 9162 §2.1.3.2). Browser-safe.
import type { Checkpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { CheckpointError } from '../../../ledger/checkpoint/checkpoint-error.js';
import { NoteError, parseVerifierKey, type VerifierKey } from '../../../ledger/checkpoint/note.js';
import { openCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import type { StepLog } from './verdict.js';

/** The log's C2SP verifier key (`name+hash+base64(0x01‖key)`), or a LOG_KEY_INVALID failure. */
export function openLogKey(log: StepLog, text: string): VerifierKey {
  try {
    const key = parseVerifierKey(text.trim());
    log.pass('log-key', `log key ${key.name} parsed`);
    return key;
  } catch (e) {
    if (e instanceof NoteError) log.fail('log-key', 'LOG_KEY_INVALID', `The log's verifier key is not usable: ${e.message}.`);
    throw e;
  }
}

/** The verified checkpoint, or CHECKPOINT_SIGNATURE_INVALID / CHECKPOINT_MALFORMED naming what is wrong. */
export function openSignedCheckpoint(log: StepLog, note: string, key: VerifierKey, what = 'checkpoint'): Checkpoint {
  try {
    const cp = openCheckpoint(note, key);
    log.pass('checkpoint', `${what} of size ${cp.size} is signed by ${key.name}`);
    return cp;
  } catch (e) {
    if (e instanceof NoteError) {
      if (e.code === 'NOTE_INVALID_SIGNATURE' || e.code === 'NOTE_UNVERIFIED') {
        log.fail('checkpoint', 'CHECKPOINT_SIGNATURE_INVALID', `The ${what} is not validly signed by the log key ${key.name}: ${e.message}.`);
      }
      log.fail('checkpoint', 'CHECKPOINT_MALFORMED', `The ${what} is not a well-formed signed note: ${e.message}.`);
    }
    if (e instanceof CheckpointError) log.fail('checkpoint', 'CHECKPOINT_MALFORMED', `The ${what} is malformed: ${e.message}.`);
    throw e;
  }
}

// Signed tree heads: a C2SP tlog-checkpoint body wrapped in a C2SP signed-note, signed by the log's Ed25519 key.
// The log's key name is its origin (C2SP tlog-checkpoint: "The log's key name in its signature line SHOULD match
// the origin line"); we make it a MUST on both sides so a mis-configured log fails when it signs, not when every
// client opens. Browser-safe.
import { type Checkpoint, CheckpointError, formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { NoteError, type NoteSigner, type OpenedNote, type VerifierKey, openNote, signNote } from './note.js';

export interface OpenCheckpointOptions {
  /** The origin the checkpoint must carry; defaults to the log key's name. */
  readonly origin?: string;
  /** Signature check; defaults to the portable rule. Pass FastVerifier#verify on servers. */
  readonly verify?: (sig: Uint8Array, msg: Uint8Array, publicKey: Uint8Array) => boolean;
}

/** The full signed note for `cp`, signed by the log key `signer` (whose name must equal cp.origin). */
export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  if (signer.name !== cp.origin) {
    throw new TypeError(`signer.name: the log key name ${JSON.stringify(signer.name)} must equal the origin ${JSON.stringify(cp.origin)}`);
  }
  return signNote(formatCheckpoint(cp), [signer]);
}

/**
 * Opens a signed checkpoint: the log's signature must be present and valid, the body well-formed, and the origin
 * the expected one. Also returns the opened note, whose `unverified` lines may hold witness cosignatures.
 */
export function openCheckpointNote(
  note: string | Uint8Array,
  logKey: VerifierKey,
  opts: OpenCheckpointOptions = {},
): { checkpoint: Checkpoint; note: OpenedNote } {
  let opened: OpenedNote;
  try {
    opened = openNote(note, [logKey], opts.verify ? { verify: opts.verify } : {});
  } catch (e) {
    if (e instanceof NoteError && e.code === 'NOTE_UNVERIFIED') {
      throw new NoteError('NOTE_UNVERIFIED', `checkpoint is not signed by the log key ${logKey.name}: ${e.message}`);
    }
    throw e;
  }
  const checkpoint = parseCheckpoint(opened.text);
  const origin = opts.origin ?? logKey.name;
  if (checkpoint.origin !== origin) {
    throw new CheckpointError(
      'CHECKPOINT_WRONG_ORIGIN',
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not the expected ${JSON.stringify(origin)}`,
    );
  }
  return { checkpoint, note: opened };
}

/** The verified checkpoint in a signed note. Throws NoteError (signature) or CheckpointError (body, origin). */
export function openCheckpoint(note: string | Uint8Array, logKey: VerifierKey, opts: OpenCheckpointOptions = {}): Checkpoint {
  return openCheckpointNote(note, logKey, opts).checkpoint;
}

// The one error type for C2SP signed notes and their keys, with a stable machine-readable code.

export type NoteErrorCode =
  | 'NOTE_MALFORMED' // not a signed note: bad characters, no signature block, bad signature line
  | 'NOTE_TOO_LARGE' // over the size limit (1 MiB)
  | 'NOTE_TOO_MANY_SIGNATURES' // over the signature-line limit (100)
  | 'NOTE_INVALID_SIGNATURE' // a signature by a known key does not verify
  | 'NOTE_UNVERIFIED' // no signature by a known key
  | 'NOTE_KEY_MALFORMED' // a verifier or signer key string is not in the C2SP form
  | 'NOTE_KEY_HASH_MISMATCH' // a key string's key hash does not match its name and key
  | 'NOTE_KEY_UNSUPPORTED'; // a key string uses another signature algorithm, or a key our Ed25519 rule refuses

export class NoteError extends Error {
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

// The error type for checkpoint bodies and signed checkpoints, with a stable code.

export type CheckpointErrorCode =
  | 'CHECKPOINT_MALFORMED' // the body is not a C2SP tlog-checkpoint we accept
  | 'CHECKPOINT_WRONG_ORIGIN'; // the body names another log than the one expected

export class CheckpointError extends Error {
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

// The shapes every layer agrees on: the signed transaction envelope, the context the sequencer hands a
// contract, the read-only state view, and a contract's outcome. Pure types, no I/O.
//
// A contract is a transition function  apply(view, tx, ctx) → Outcome  (STYLE.md §2): it reads state only
// through `view`, takes time, index and verified signers from `ctx`, and returns the objects it writes and the
// events it emits, or a ContractError with a stable code. It never throws for a rule violation; it throws only
// for programming errors (and StateMiss, below, which the pipeline handles).

/** Party identifier, e.g. `p_bank-a`; printable, stable across stores. */
export type PartyId = string;

export type Role =
  | 'operator'
  | 'warehouse'
  | 'holder'
  | 'bank'
  | 'inspector'
  | 'insurer'
  | 'regulator'
  | 'gateway';

/** One signature on a transaction: the party that signed, and base64 Ed25519 over the domain-separated JCS(tx). */
export interface Sig {
  readonly signer: PartyId;
  readonly sig: string;
}

/**
 * What parties sign. `nonce` makes two otherwise identical intents distinct; (first signer, nonce) is unique in
 * the log, so a verbatim replay is idempotent (same index) and a replay with a changed field is rejected.
 * `ts` is the submitter's clock (informational; the sequencer's time is ctx.time).
 */
export interface Tx<B = unknown> {
  readonly v: 1;
  readonly type: string;
  readonly nonce: string;
  readonly ts: string;
  readonly body: B;
}

export interface SignedTx<B = unknown> {
  readonly tx: Tx<B>;
  readonly sigs: readonly Sig[];
}

/** What the sequencer knows when it applies a transaction. Everything a contract may not compute itself. */
export interface Ctx {
  /** The ledger index this transaction will occupy if it commits. */
  readonly index: number;
  /** Sequencer time, RFC 3339 UTC with milliseconds, e.g. `2026-11-24T02:14:28.000Z`. */
  readonly time: string;
  /** Lowercase hex SHA-256 of the canonical (RFC 8785) bytes of `tx`. Use it to derive ids. */
  readonly txHash: string;
  /** Parties whose signature verified against the key they have registered at this point of the log. */
  readonly signers: ReadonlySet<PartyId>;
}

/** Kinds of object held in the state projection. Each object is stored under (kind, id). */
export type Kind = 'party' | 'device' | 'lot' | 'receipt' | 'pledge' | 'alert' | 'meta';

/** Every state object carries its kind and id; the rest is the contract's business (see contracts/state.ts). */
export interface StateObject {
  readonly kind: Kind;
  readonly id: string;
}

/**
 * Read-only access to state as of just before this transaction. Returns undefined for an object that does not
 * exist. An adapter that does not hold the object in memory throws StateMiss; the pipeline loads it and
 * re-applies the (pure, deterministic) contract, so contracts need not know.
 */
export interface StateView {
  get(kind: Kind, id: string): StateObject | undefined;
}

/**
 * A control-flow signal, not a fault: the sequencer throws one for every object it has not loaded yet (every new
 * lot, receipt, …), so it is made without capturing a stack trace, which would cost more than the rest of the miss.
 */
export class StateMiss extends Error {
  readonly kind: Kind;
  readonly id: string;

  constructor(kind: Kind, id: string) {
    const limit = Error.stackTraceLimit; // V8's limit on captured frames; elsewhere an inert property
    Error.stackTraceLimit = 0;
    try {
      super(`state object ${kind}:${id} not loaded`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.kind = kind;
    this.id = id;
    this.name = 'StateMiss';
  }
}

/** Something that happened, for subscribers (WebSocket, webhooks). `refs` name the objects it concerns. */
export interface ContractEvent {
  readonly type: string;
  readonly refs: Readonly<Partial<Record<Kind, readonly string[]>>>;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface ContractError {
  readonly code: string;
  readonly message: string;
  /** The body field at fault, as a JSON pointer, where one is. */
  readonly field?: string;
}

export type Outcome =
  | { readonly ok: true; readonly writes: readonly StateObject[]; readonly events: readonly ContractEvent[] }
  | { readonly ok: false; readonly error: ContractError };

// The state objects the contracts write, one interface per kind. The pipeline stores each under (kind, id) and
// never deletes one: objects change status. Every field is documented here; nothing else is written.
//
// Conventions: quantities and money are canonical decimal strings (see quantity.ts / money.ts: exactly the
// unit's or currency's decimals, e.g. "12.500" kg, "40" bag, "1000.00" USD). Times are RFC 3339 UTC strings as
// given by ctx.time. `…Index` fields are ledger indices (JSON numbers).
import type { Covenants } from './covenants.js';
import type { Kind, PartyId, Role, StateObject } from './types.js';

/** One public key a party has held. A key may sign entries with from ≤ index < until. */
export interface KeyPeriod {
  /** Base64 of the 32-byte Ed25519 public key. */
  readonly publicKey: string;
  /** First ledger index this key may sign (0 for the genesis operator, registration index + 1 otherwise). */
  readonly from: number;
  /** First ledger index this key may no longer sign (exclusive). Absent while the key is current. */
  readonly until?: number;
}

export interface Party extends StateObject {
  readonly kind: 'party';
  /** Chosen by the registrant, `[a-z0-9][a-z0-9-]{1,62}`. */
  readonly id: PartyId;
  readonly role: Role;
  /** Display name (legal name of the organisation). */
  readonly name: string;
  /** The current key (base64, 32-byte Ed25519): the one the pipeline verifies signatures against. */
  readonly publicKey: string;
  /** A revoked party's signatures are never accepted again; it cannot be re-registered. */
  readonly status: 'active' | 'revoked';
  /** Every key the party has held, oldest first; the last one is `publicKey`. */
  readonly keyHistory: readonly KeyPeriod[];
  /** Index of the entry that registered the party (0 for the genesis operator). */
  readonly registeredIndex: number;
  /** Index of the entry that revoked the party, once revoked. */
  readonly revokedIndex?: number;
  /** The operator's stated reason for revocation, once revoked. */
  readonly revokedReason?: string;
}

export const DEVICE_KINDS = ['load-cell', 'rfid', 'temperature', 'humidity', 'door', 'gps', 'camera'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface Device extends StateObject {
  readonly kind: 'device';
  /** Chosen by the warehouse, `[a-z0-9][a-z0-9-]{1,62}`, unique across the ledger. */
  readonly id: string;
  /** The warehouse party that owns the device (and whose MQTT prefix it publishes under). */
  readonly warehouse: PartyId;
  /** The warehouse site the device is installed at. */
  readonly site: string;
  /** The lot reference the device watches, when bound to one lot. */
  readonly lot?: string;
  /** What the device measures. */
  readonly kinds: readonly DeviceKind[];
  /** Base64 of the device's 32-byte Ed25519 public key (signs readings). */
  readonly publicKey: string;
  readonly status: 'active' | 'revoked';
  readonly registeredIndex: number;
  readonly revokedIndex?: number;
}

/**
 * A deposited lot: the physical goods behind receipts, and the aggregate that enforces singularity.
 * State id is `lotKey(warehouse, ref)` = `<warehouse>:<ref>`. All quantities are in `unit`.
 * [SING-1] live + paper + withdrawn ≤ deposited at all times.
 */
export interface Lot extends StateObject {
  readonly kind: 'lot';
  /** `<warehouse>:<ref>`. */
  readonly id: string;
  /** The warehouse's own lot reference, `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`. */
  readonly ref: string;
  readonly warehouse: PartyId;
  readonly site: string;
  readonly bay: string;
  readonly commodity: string;
  readonly unit: string;
  /** Quantity the warehouse attested it received (lot.deposit). Fixed: a lot is deposited once. */
  readonly deposited: string;
  /** Sum of the quantities of live electronic receipts (active or pledged). */
  readonly live: string;
  /** Sum of the quantities of receipts converted to paper and not yet re-issued electronically. */
  readonly paper: string;
  /** Sum of the quantities redeemed (delivered out of the warehouse). */
  readonly withdrawn: string;
  readonly depositedIndex: number;
}

/** A grading certificate: the inspector who signed and the SHA-256 (hex) of the certificate document. */
export interface Certificate {
  readonly inspector: PartyId;
  readonly hash: string;
}

/** Why a receipt became inoperative: replaced by children, by paper, or by a partial release's children. */
export type InoperativeReason = 'split' | 'merged' | 'paper' | 'partial-release';

/** How a receipt came to be. */
export type ReceiptOrigin = 'issue' | 'split' | 'merge' | 'partial-release' | 'from-paper';

export interface Receipt extends StateObject {
  readonly kind: 'receipt';
  /** `rc-<12-digit index>` or `rc-<index>-<nn>` when one entry created several. */
  readonly id: string;
  /** The issuing warehouse (custodian of the goods). */
  readonly warehouse: PartyId;
  /** The party entitled to the goods; the only one who may move the receipt [CTRL-1]. */
  readonly holder: PartyId;
  /**
   * active: operative, no lien · pledged: operative under the lien `pledge` · redeemed: goods delivered out
   * (final) · inoperative: replaced (see `inoperativeReason`, `successors`) (final except paper → surrendered).
   */
  readonly status: 'active' | 'pledged' | 'redeemed' | 'inoperative';
  /** The active pledge, present exactly when status is 'pledged' [LIEN-1]. */
  readonly pledge?: string;
  /** Every pledge ever taken on this receipt or its ancestors, oldest first (for access control). */
  readonly pledges: readonly string[];
  /** The lot reference (the lot's state id is `<warehouse>:<lot>`). */
  readonly lot: string;
  readonly quantity: string;
  readonly unit: string;
  readonly site: string;
  readonly bay: string;
  readonly commodity: string;
  readonly grade: string;
  /** Grading certificates, deduplicated, sorted by inspector then hash. */
  readonly certificates: readonly Certificate[];
  /** For perishable goods: the time after which the goods may no longer be pledged. */
  readonly expiry?: string;
  readonly origin: ReceiptOrigin;
  /** Receipts this one was made from (split, merge, partial release, re-issue from paper). */
  readonly parents: readonly string[];
  /** Receipts that replaced this one once inoperative (absent while operative). */
  readonly successors?: readonly string[];
  readonly inoperativeReason?: InoperativeReason;
  /** Serial of the paper receipt this record was converted to (reason 'paper'). */
  readonly paperSerial?: string;
  /** Set when the paper receipt was surrendered and re-issued electronically (the new receipt's id). */
  readonly surrenderedFor?: string;
  /** Ids of open critical alerts; non-empty means frozen: no redeem, split, merge, transfer or change of medium. */
  readonly frozenBy: readonly string[];
  /** The pledge whose enforcement made the bank the holder, when that happened. */
  readonly enforcedBy?: string;
  readonly issuedAt: string;
  readonly issuedIndex: number;
  /** Index of the last entry that changed this receipt. */
  readonly updatedIndex: number;
}

/** Explicit, signed release instruction carried by pledge.release / pledge.partialRelease. */
export interface ReleaseInstruction {
  /** The bank's own reference for the instruction. */
  readonly reference: string;
  readonly reason: 'repaid' | 'partially-repaid' | 'substitution' | 'other';
  readonly note?: string;
}

/** One partial release: which receipt was split, and into which released / still-pledged children. */
export interface PartialRelease {
  readonly index: number;
  readonly quantity: string;
  readonly from: string;
  readonly released: string;
  readonly remaining: string;
  readonly instruction: ReleaseInstruction;
}

export interface Pledge extends StateObject {
  readonly kind: 'pledge';
  /** `pl-<12-digit index>`. */
  readonly id: string;
  /** The receipt currently under this lien (changes on partial release). */
  readonly receipt: string;
  /** Every receipt this lien has covered, oldest first. */
  readonly receipts: readonly string[];
  /** The lienholder. */
  readonly bank: PartyId;
  /** The pledgor: the receipt's holder when the pledge was created. */
  readonly holder: PartyId;
  /** active → released (wholly) or enforced (bank took control). */
  readonly status: 'active' | 'released' | 'enforced';
  /** Loan amount, canonical decimal in `currency`. */
  readonly amount: string;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Loan maturity, RFC 3339 UTC. */
  readonly maturity: string;
  /** Conditions the gateway's covenant monitor checks (see covenants.ts). */
  readonly covenants: Covenants;
  readonly createdAt: string;
  readonly createdIndex: number;
  readonly partialReleases: readonly PartialRelease[];
  /** The final release instruction, once released. */
  readonly release?: ReleaseInstruction & { readonly index: number };
  /** The bank's notice of enforcement, once enforced. */
  readonly enforcement?: { readonly index: number; readonly notice: string };
}

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Alert extends StateObject {
  readonly kind: 'alert';
  /** `al-<12-digit index>`. */
  readonly id: string;
  readonly receipt: string;
  /** The pledge whose covenant was breached, when there is one. */
  readonly pledge?: string;
  /** The warehouse holding the goods (for access: alerts on its sites). */
  readonly warehouse: PartyId;
  readonly site: string;
  /** A critical alert freezes the receipt until resolved [FRZ-1]. */
  readonly severity: Severity;
  readonly status: 'open' | 'resolved';
  /** The covenant (or other condition) breached, e.g. 'temperature'. */
  readonly covenant: string;
  readonly message: string;
  /** When the breach was observed (reading time). */
  readonly observedAt: string;
  /** Devices whose readings show the breach. */
  readonly devices: readonly string[];
  /** Batch Merkle root (hex) of the anchored readings that evidence the breach, when known. */
  readonly batchRoot?: string;
  /** The gateway party that raised it. */
  readonly raisedBy: PartyId;
  readonly raisedIndex: number;
  readonly resolvedBy?: PartyId;
  readonly resolvedIndex?: number;
  readonly resolution?: string;
}

/** Written once at index 0. */
export interface GenesisMeta extends StateObject {
  readonly kind: 'meta';
  readonly id: 'genesis';
  /** The log origin (C2SP checkpoint origin line). */
  readonly origin: string;
  readonly operator: { readonly id: PartyId; readonly name: string; readonly publicKey: string };
}

/** The latest telemetry anchor: id 'anchor' (any gateway) and 'anchor:<gateway>' (per gateway). */
export interface AnchorMeta extends StateObject {
  readonly kind: 'meta';
  readonly id: string;
  readonly gateway: PartyId;
  /** Ledger index of the telemetry.anchor entry. */
  readonly index: number;
  /** Sequencer time of the anchor (compare with lastReadingAt for anchor lag). */
  readonly anchoredAt: string;
  /** RFC 6962 Merkle root (hex) of the batch. */
  readonly batchRoot: string;
  readonly readings: number;
  readonly firstReadingAt: string;
  readonly lastReadingAt: string;
  /** Readings anchored so far by the gateway ('anchor:<gw>') or by all gateways ('anchor'). */
  readonly totalReadings: number;
  readonly batches: number;
}

export type Meta = GenesisMeta | AnchorMeta;

export type AnyState = Party | Device | Lot | Receipt | Pledge | Alert | Meta;

/** Kind → object type, for typed reads. */
export interface KindMap {
  party: Party;
  device: Device;
  lot: Lot;
  receipt: Receipt;
  pledge: Pledge;
  alert: Alert;
  meta: Meta;
}

export type { Kind };

// Identifiers. Parties, devices and lots are named by the submitter and validated; receipts, pledges and
// alerts are named after the ledger index that created them, so ids are deterministic, printable and sort by
// creation (zero padding keeps lexical order = numeric order). [ID-1]

/** Pattern for ids a submitter chooses (parties, devices). */
export const CHOSEN_ID_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';

/** Pattern for a warehouse's own lot reference. */
export const LOT_REF_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

export type ObjectPrefix = 'rc' | 'pl' | 'al';

/** Most objects one entry may create (split parts); keeps the two-digit suffix sortable. */
export const MAX_CHILDREN = 99;

/**
 * The id of the object an entry at `index` creates: `rc-000000000042`; the n-th (1-based) of several objects
 * of one kind created by one entry gets a two-digit suffix, `rc-000000000042-01`.
 */
export function objectId(prefix: ObjectPrefix, index: number, n?: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  const base = `${prefix}-${String(index).padStart(12, '0')}`;
  if (n === undefined) return base;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHILDREN) throw new RangeError(`n must be 1..${MAX_CHILDREN}, got ${n}`);
  return `${base}-${String(n).padStart(2, '0')}`;
}

/** State id of a lot: lot references are unique per warehouse, not globally. */
export function lotKey(warehouse: string, ref: string): string {
  return `${warehouse}:${ref}`;
}

// The lot aggregate: deposited vs live, paper and withdrawn quantities. [SING-1]
import { fail, okValue, type Checked } from './errors.js';
import { lotKey } from './ids.js';
import { formatQuantity, quantityUnits } from './quantity.js';
import { read } from './read.js';
import type { Lot } from './state.js';
import type { StateView } from './types.js';

export function loadLot(view: StateView, warehouse: string, ref: string, field: string): Checked<Lot> {
  const lot = read(view, 'lot', lotKey(warehouse, ref));
  return lot === undefined ? fail('LOT_NOT_FOUND', `no lot '${ref}' at warehouse '${warehouse}'`, field) : okValue(lot);
}

export interface LotDelta {
  readonly live?: bigint;
  readonly paper?: bigint;
  readonly withdrawn?: bigint;
}

/** The lot after moving quantity between live, paper and withdrawn; LOT_OVER_DEPOSITED if it would exceed. */
export function adjustLot(lot: Lot, d: LotDelta, field: string): Checked<Lot> {
  const u = (s: string): bigint => quantityUnits(s, lot.unit);
  const live = u(lot.live) + (d.live ?? 0n);
  const paper = u(lot.paper) + (d.paper ?? 0n);
  const withdrawn = u(lot.withdrawn) + (d.withdrawn ?? 0n);
  if (live < 0n || paper < 0n || withdrawn < 0n) throw new RangeError(`lot ${lot.id} would go negative`); // a bug, not input
  const deposited = u(lot.deposited);
  if (live + paper + withdrawn > deposited) { // [SING-1] singularity
    const free = deposited - (u(lot.live) + u(lot.paper) + u(lot.withdrawn));
    return fail('LOT_OVER_DEPOSITED', `lot '${lot.ref}' has ${formatQuantity(free, lot.unit)} ${lot.unit} left to issue`, field);
  }
  const f = (v: bigint): string => formatQuantity(v, lot.unit);
  return okValue({ ...lot, live: f(live), paper: f(paper), withdrawn: f(withdrawn) });
}

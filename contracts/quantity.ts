// Units of quantity and exact quantity arithmetic. [QTY-1]
import { fail, okValue, type Checked } from './errors.js';
import { formatDecimal, parseDecimal, unitsOf } from './decimal.js';

/** Supported units and their decimals (minimal unit = 10^-decimals of the unit). */
export const UNITS = {
  kg: { decimals: 3, description: 'kilogram, to the gram' },
  t: { decimals: 3, description: 'metric tonne, to the kilogram' },
  l: { decimals: 3, description: 'litre, to the millilitre' },
  bag: { decimals: 0, description: 'bag, whole bags only' },
  bale: { decimals: 0, description: 'bale, whole bales only' },
  pallet: { decimals: 0, description: 'pallet, whole pallets only' },
  piece: { decimals: 0, description: 'piece, whole pieces only' },
} as const;

export type Unit = keyof typeof UNITS;
export const UNIT_NAMES = Object.keys(UNITS) as Unit[];

/** Largest quantity in minimal units (10^15, below 2^53 so every store and language holds it exactly). */
export const MAX_QUANTITY_UNITS = 10n ** 15n;

export function isUnit(u: string): u is Unit {
  return Object.hasOwn(UNITS, u);
}

function decimalsOf(unit: string): number {
  if (!isUnit(unit)) throw new RangeError(`unknown unit ${unit}`);
  return UNITS[unit].decimals;
}

/** A positive quantity in `unit`, as minimal units; QUANTITY_INVALID / QUANTITY_OVERFLOW / UNIT_UNKNOWN. */
export function parseQuantity(text: string, unit: string, field: string): Checked<bigint> {
  if (!isUnit(unit)) return fail('UNIT_UNKNOWN', `unknown unit '${unit}'`, field);
  const r = parseDecimal(text, UNITS[unit].decimals, MAX_QUANTITY_UNITS);
  if (r === 'overflow') return fail('QUANTITY_OVERFLOW', `quantity exceeds ${formatQuantity(MAX_QUANTITY_UNITS, unit)} ${unit}`, field);
  if (r === 'scale') return fail('QUANTITY_INVALID', `at most ${UNITS[unit].decimals} decimals for ${unit}`, field);
  if (r === 'zero') return fail('QUANTITY_INVALID', 'quantity must be greater than zero', field);
  if (r === 'format') return fail('QUANTITY_INVALID', 'quantity must be a plain non-negative decimal string', field);
  return okValue(r);
}

export function formatQuantity(units: bigint, unit: string): string {
  return formatDecimal(units, decimalsOf(unit));
}

/** Minimal units of a canonical quantity held in state. */
export function quantityUnits(text: string, unit: string): bigint {
  return unitsOf(text, decimalsOf(unit));
}

// Measured quantity of a lot from its sensors, in the receipt's unit, as exact minimal units. Pure.
// Weight units (kg, t) are measured by load cells: the sum of each cell's latest reading. Count units (bag, bale,
// pallet, piece) are measured by RFID readers: the sum of each reader's latest count. Litres are not measured.
import { UNITS, isUnit } from '../../contracts/quantity.js';

export type Measure = 'load-cell' | 'rfid';

export function measureFor(unit: string): Measure | undefined {
  if (unit === 'kg' || unit === 't') return 'load-cell';
  if (unit === 'bag' || unit === 'bale' || unit === 'pallet' || unit === 'piece') return 'rfid';
  return undefined;
}

/** Minimal units of `unit` for a sensor total (kilograms for load cells, a count for RFID). */
export function sensorUnits(total: number, unit: string): bigint {
  if (!isUnit(unit)) throw new RangeError(`unknown unit ${unit}`);
  const scale = 10 ** UNITS[unit].decimals;
  const inUnit = unit === 't' ? total / 1000 : total;
  return BigInt(Math.round(Math.max(0, inUnit) * scale));
}

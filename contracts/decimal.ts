// Exact decimal strings ↔ BigInt minimal units, shared by quantities and money. No floating point anywhere.

export type DecimalProblem = 'format' | 'scale' | 'zero' | 'overflow';

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Digits beyond which a value overflows any bound we use, checked before BigInt conversion. */
const MAX_DIGITS = 40;

/**
 * Parses a non-negative decimal string into minimal units of `scale` decimals. Rejects signs, exponents,
 * leading zeros, more than `scale` decimals, zero, and anything above `max` minimal units.
 */
export function parseDecimal(text: string, scale: number, max: bigint): bigint | DecimalProblem {
  const m = DECIMAL.exec(text);
  if (m === null) return 'format';
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > scale) return 'scale';
  if (whole.length + scale > MAX_DIGITS) return 'overflow';
  const units = BigInt(whole + frac.padEnd(scale, '0'));
  if (units === 0n) return 'zero';
  if (units > max) return 'overflow';
  return units;
}

/** Canonical text of `units` minimal units: exactly `scale` decimals (none when scale is 0). */
export function formatDecimal(units: bigint, scale: number): string {
  if (units < 0n) throw new RangeError('units must be non-negative');
  if (scale === 0) return units.toString();
  const s = units.toString().padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`;
}

/** Minimal units of a canonical decimal already written by formatDecimal (state values; never user input). */
export function unitsOf(text: string, scale: number): bigint {
  const [whole = '0', frac = ''] = text.split('.');
  return BigInt(whole + frac.padEnd(scale, '0'));
}

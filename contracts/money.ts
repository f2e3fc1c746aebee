// ISO 4217 currencies and exact money amounts. [QTY-1]
import { fail, okValue, type Checked } from './errors.js';
import { formatDecimal, parseDecimal } from './decimal.js';

/** Supported ISO 4217 codes and their minor-unit exponents. */
export const CURRENCIES: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, JPY: 0, CNY: 2, INR: 2, BRL: 2, ZAR: 2, KES: 2, UGX: 0, TZS: 2, RWF: 0,
  ETB: 2, NGN: 2, GHS: 2, XOF: 0, XAF: 0, EGP: 2, MAD: 2, TRY: 2, PKR: 2, BDT: 2, IDR: 2, VND: 0, PHP: 2,
  THB: 2, MYR: 2, MXN: 2, ARS: 2, COP: 2, PEN: 2, CLP: 0, UAH: 2, PLN: 2, KWD: 3, BHD: 3, AED: 2, SAR: 2,
};

/** Largest amount in minor units (10^15). */
export const MAX_AMOUNT_UNITS = 10n ** 15n;

/** A positive amount in `currency` normalised to its canonical text; CURRENCY_UNKNOWN / AMOUNT_*. */
export function parseAmount(text: string, currency: string, field: string): Checked<string> {
  const scale = CURRENCIES[currency];
  if (scale === undefined) return fail('CURRENCY_UNKNOWN', `unsupported currency '${currency}'`, '/currency');
  const r = parseDecimal(text, scale, MAX_AMOUNT_UNITS);
  if (r === 'overflow') return fail('AMOUNT_OVERFLOW', `amount exceeds ${formatDecimal(MAX_AMOUNT_UNITS, scale)}`, field);
  if (r === 'scale') return fail('AMOUNT_INVALID', `at most ${scale} decimals for ${currency}`, field);
  if (r === 'zero') return fail('AMOUNT_INVALID', 'amount must be greater than zero', field);
  if (r === 'format') return fail('AMOUNT_INVALID', 'amount must be a plain non-negative decimal string', field);
  return okValue(formatDecimal(r, scale));
}

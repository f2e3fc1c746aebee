// RFC 3339 UTC times, compared exactly. Parsing a fixed-format string is pure; nothing here reads a clock.

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, UTC only, so that times compare without zone arithmetic. */
export const UTC_TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$';
const UTC_TIME = new RegExp(UTC_TIME_PATTERN);

/**
 * Nanoseconds since the epoch as a BigInt, or undefined when `text` is not a real UTC time of that form
 * (e.g. February 30th or hour 24).
 */
export function timeValue(text: string): bigint | undefined {
  if (!UTC_TIME.test(text)) return undefined;
  const [y, mo, d, h, mi, s] = [0, 5, 8, 11, 14, 17].map((at, i) => Number(text.slice(at, at + (i === 0 ? 4 : 2))));
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() + 1 !== mo || back.getUTCDate() !== d) return undefined;
  if (back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return undefined;
  const nanos = text.slice(20, -1).padEnd(9, '0'); // fraction digits after the '.', if any
  return BigInt(ms) * 1_000_000n + BigInt(nanos);
}

/** True when `a` is strictly after `b`; both must be valid (undefined if either is not). */
export function isAfter(a: string, b: string): boolean | undefined {
  const va = timeValue(a);
  const vb = timeValue(b);
  return va === undefined || vb === undefined ? undefined : va > vb;
}

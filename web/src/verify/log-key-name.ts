// The name part of a C2SP verifier key `name+hash+base64`, used to file what a browser remembers per log, before
// (and whether or not) the key itself verifies. Browser-safe.

export function logKeyName(verifierKey: string): string | undefined {
  const text = verifierKey.trim();
  const plus = text.indexOf('+');
  return plus > 0 ? text.slice(0, plus) : undefined;
}

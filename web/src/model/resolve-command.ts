// Resolving an alert is a signed ledger transaction (alert.resolve, signed by the pledge's bank or the receipt's
// warehouse). The browser holds no signing key — a bank's key belongs with its signing tools, not in a web page
// that also holds a bearer token — so the pages show the exact CLI command to run where the key lives. Pure.

/** POSIX shell single-quoting: safe for any text. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ResolveCommandInput {
  readonly alert: string;
  /** The party that signs (the pledge's bank or the receipt's warehouse). */
  readonly party: string;
  readonly resolution: string;
  /** The registry's base URL, e.g. http://127.0.0.1:8080. */
  readonly url: string;
}

/** The `ledgerhouse tx alert.resolve` command line that builds, signs and submits the resolution. */
export function resolveCommand(i: ResolveCommandInput): string {
  const resolution = i.resolution.trim() === '' ? 'describe what was done' : i.resolution.trim();
  return [
    'npx ledgerhouse tx alert.resolve',
    `  --set alert=${shellQuote(i.alert)}`,
    `  --set resolution=${shellQuote(resolution)}`,
    `  --key ${shellQuote(`${i.party}.key.json`)}`,
    `  --url ${shellQuote(i.url)}`,
  ].join(' \\\n');
}

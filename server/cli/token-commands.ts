import path from 'node:path';
import type { Command } from 'commander';
import { hashToken, newToken, type TokenStore } from '../auth/token-store.js';
import { openStores } from '../system.js';
import { loadConfig } from '../config.js';
import { CliError } from './cli-error.js';

const DURATION = /^(\d+)([mhd])$/;

export function parseTtl(ttl: string): number {
  const m = DURATION.exec(ttl);
  if (m === null) throw new CliError(`--ttl ${ttl}: expected a duration like 30m, 12h or 90d`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** The token store the server uses (SQLite in the data directory, or PostgreSQL with LH_DATABASE_URL). */
async function withTokens<T>(dataDir: string | undefined, fn: (tokens: TokenStore) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, dataDir === undefined ? {} : { dataDir: path.resolve(dataDir) });
  const { db, store, tokens } = await openStores(config);
  try {
    return await fn(tokens);
  } finally {
    await store.close();
    if (db.open) db.close();
  }
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens (bearer secrets stored hashed)');
  token
    .command('create')
    .description('create a token for a party and print it once')
    .requiredOption('--party <id>', 'party the token acts as')
    .option('--ttl <duration>', 'lifetime, e.g. 12h or 90d', '30d')
    .option('--data-dir <dir>', 'data directory (default: LH_DATA_DIR or ./data)')
    .action(async (flags: { party: string; ttl: string; dataDir?: string }) => {
      const { id, token: secret } = newToken();
      const now = Date.now();
      const expiresAt = new Date(now + parseTtl(flags.ttl)).toISOString();
      await withTokens(flags.dataDir, (store) =>
        store.insert({ id, party: flags.party, createdAt: new Date(now).toISOString(), expiresAt, revokedAt: undefined }, hashToken(secret)));
      process.stdout.write(`${JSON.stringify({ id, party: flags.party, expiresAt, token: secret })}\n`);
    });
  token
    .command('revoke <id>')
    .description('revoke a token by its id (tk_…)')
    .option('--data-dir <dir>', 'data directory')
    .action(async (id: string, flags: { dataDir?: string }) => {
      if (!(await withTokens(flags.dataDir, (store) => store.revoke(id, new Date().toISOString())))) {
        throw new CliError(`no active token ${id}`, 'list tokens with `ledgerhouse token list`');
      }
      process.stdout.write(`revoked ${id}\n`);
    });
  token
    .command('list')
    .description('list tokens (ids, parties, expiry; never secrets)')
    .option('--party <id>', 'only this party')
    .option('--data-dir <dir>', 'data directory')
    .action(async (flags: { party?: string; dataDir?: string }) => {
      for (const t of await withTokens(flags.dataDir, (store) => store.list(flags.party))) process.stdout.write(`${JSON.stringify(t)}\n`);
    });
}

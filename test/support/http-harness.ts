// The real HTTP app on port 0 over a real SQLite-backed ledger, with helpers to mint API tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { LogReader } from '../../ledger/log/log-reader.js';
import type { SqliteLedgerStore } from '../../ledger/store/sqlite-ledger-store.js';
import { SqliteTokenStore } from '../../server/auth/sqlite-token-store.js';
import { hashToken, newToken } from '../../server/auth/token-store.js';
import { createApp } from '../../server/http/app.js';
import { createMetrics } from '../../server/http/metrics.js';
import { ORIGIN, openHarness, type LedgerHarness } from './ledger-harness.js';

export interface HttpHarness {
  readonly ledger: LedgerHarness;
  readonly url: string;
  readonly tokens: SqliteTokenStore;
  /** A fresh token for `party`, expiring after `ttlMs` (default one hour) of the harness clock. */
  token(party: string, ttlMs?: number): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** `tokenCacheMs`: how long the app remembers a token that authenticated (default 0: looked up on every request). */
export async function openHttpHarness(opts: { readonly tokenCacheMs?: number } = {}): Promise<HttpHarness> {
  const ledger = await openHarness('sqlite');
  const tokens = new SqliteTokenStore((ledger.store as SqliteLedgerStore).db);
  const app = createApp({
    store: ledger.store, reader: new LogReader(ledger.store), pipeline: ledger.pipeline, tokens, clock: ledger.clock,
    verifierKey: ledger.signer.verifierKey, origin: ORIGIN, logger: pino({ level: 'silent' }), metrics: createMetrics(),
    ...(opts.tokenCacheMs === undefined ? {} : { tokenCacheMs: opts.tokenCacheMs }),
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ledger, url, tokens,
    async token(party, ttlMs = 3_600_000) {
      const t = newToken();
      const now = ledger.clock.now();
      await tokens.insert({ id: t.id, party, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString(), revokedAt: undefined }, hashToken(t.token));
      return t;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ledger.close();
    },
  };
}

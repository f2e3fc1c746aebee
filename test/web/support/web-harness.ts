// The real HTTP app (REST API, WebSocket stream, and the web pages through webRouter) on port 0 over a real
// SQLite-backed ledger — what `npm start` wires, minus MQTT — plus a tiny proxy that serves the same pages in front
// of any upstream registry and can rewrite its answers (tampered evidence, forged checkpoints, a forked log).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import express from 'express';
import { pino } from 'pino';
import { LogReader } from '../../../ledger/log/log-reader.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import type { ApiRoute } from '../../../server/http/api-route.js';
import { createApp } from '../../../server/http/app.js';
import { attachStream, type StreamHandle } from '../../../server/stream/attach-stream.js';
import type { TelemetryFeed } from '../../../server/stream/telemetry-feed.js';
import { webRouter } from '../../../web/serve.js';
import { ORIGIN, openHarness, type LedgerHarness } from '../../support/ledger-harness.js';

export interface WebHarness {
  readonly ledger: LedgerHarness;
  readonly url: string;
  readonly db: Database.Database;
  token(party: string): Promise<string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function openWebHarness(distDir: string, opts: { extraRoutes?: (ledger: LedgerHarness) => readonly ApiRoute[]; telemetry?: TelemetryFeed } = {}): Promise<WebHarness> {
  const ledger = await openHarness('sqlite');
  const db = (ledger.store as SqliteLedgerStore).db;
  const tokens = new SqliteTokenStore(db);
  const app = createApp({
    store: ledger.store, reader: new LogReader(ledger.store), pipeline: ledger.pipeline, tokens, clock: ledger.clock,
    verifierKey: ledger.signer.verifierKey, origin: ORIGIN, logger: pino({ level: 'silent' }), extraRoutes: opts.extraRoutes?.(ledger) ?? [],
    routers: [webRouter(distDir)],
  });
  const server = createServer(app);
  const stream: StreamHandle = attachStream(server, {
    store: ledger.store, tokens, commits: ledger.pipeline, clock: ledger.clock, ...(opts.telemetry === undefined ? {} : { telemetry: opts.telemetry }),
  });
  const url = await listen(server);
  return {
    ledger, url, db,
    async token(party) {
      const t = newToken();
      const now = ledger.clock.now();
      await tokens.insert({ id: t.id, party, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 86_400_000).toISOString(), revokedAt: undefined }, hashToken(t.token));
      return t.token;
    },
    async close() {
      await stream.close();
      await closeServer(server);
      await ledger.close();
    },
  };
}

/** Rewrites a JSON answer of the upstream for `path`; return the body unchanged to pass it through. */
export type Rewrite = (path: string, body: unknown) => unknown;

export interface Proxy {
  readonly url: string;
  upstream: string;
  rewrite: Rewrite | undefined;
  close(): Promise<void>;
}

/** The web pages, with `/v1/*` forwarded to `upstream` (switchable) and JSON answers passed through `rewrite`. */
export async function openProxy(distDir: string, upstream: string): Promise<Proxy> {
  const app = express();
  const state: { upstream: string; rewrite: Rewrite | undefined } = { upstream, rewrite: undefined };
  app.use(webRouter(distDir));
  app.use('/v1', async (req, res) => {
    const headers: Record<string, string> = {};
    if (typeof req.headers.authorization === 'string') headers['authorization'] = req.headers.authorization;
    const answer = await fetch(`${state.upstream}/v1${req.url}`, { headers });
    const type = answer.headers.get('content-type') ?? 'application/octet-stream';
    let body: string | Buffer = Buffer.from(await answer.arrayBuffer());
    if (state.rewrite !== undefined && type.includes('json')) body = JSON.stringify(state.rewrite(`/v1${req.path}`, JSON.parse(body.toString('utf8'))));
    res.status(answer.status).type(type).send(body);
  });
  const server = createServer(app);
  const url = await listen(server);
  return {
    url,
    get upstream() {
      return state.upstream;
    },
    set upstream(u: string) {
      state.upstream = u;
    },
    get rewrite() {
      return state.rewrite;
    },
    set rewrite(r: Rewrite | undefined) {
      state.rewrite = r;
    },
    close: () => closeServer(server),
  };
}

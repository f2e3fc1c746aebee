// Webhooks for tests, all real: the HTTP app (createApp with the webhook router mounted) on port 0 over a SQLite
// ledger, the dispatcher following the commit pipeline, and receivers — express apps on port 0 — that record every
// delivery and answer as the test tells them (e.g. 500 for the first attempts).
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Tx } from '../../../contracts/types.js';
import { signFast } from '../../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../../ledger/encoding/bytes.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { txSigningBytes } from '../../../ledger/tx/sign-tx.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import { createApp } from '../../../server/http/app.js';
import { SqliteWebhookStore } from '../../../server/webhooks/sqlite-webhook-store.js';
import { UrlPolicy } from '../../../server/webhooks/url-policy.js';
import { createWebhooks, type Webhooks, type WebhooksDeps } from '../../../server/webhooks/webhooks.js';
import { ORIGIN, openHarness, testKey, type LedgerHarness, type TestKey } from '../../support/ledger-harness.js';
import { registerCast, type Cast } from '../../support/lifecycle.js';

export const WEBHOOK_KEY = testKey('webhook-node-key');

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface Received {
  /** What the receiver answered ('hang': nothing). */
  status: number | 'hang';
  readonly body: Buffer;
  readonly json: { webhook: string; index: number; seq: number; event: { type: string; refs: Record<string, string[]> } };
  readonly headers: Record<string, string | string[] | undefined>;
}

/** A receiver: `answer(n)` decides the HTTP status of the n-th request (1-based); `received` holds the 2xx ones. */
export class Receiver {
  readonly requests: Received[] = [];
  answer: (n: number, r: Received) => number | 'hang' = () => 200;
  url = '';
  readonly #server: Server;

  constructor() {
    const app = express();
    app.post('/hook', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
      const body = req.body as Buffer;
      const r: Received = { status: 'hang', body, json: JSON.parse(body.toString('utf8')) as Received['json'], headers: req.headers };
      this.requests.push(r);
      const status = this.answer(this.requests.length, r);
      r.status = status;
      if (status === 'hang') return; // never answers: the sender's timeout must fire
      if (status >= 300 && status < 400) res.setHeader('location', 'http://127.0.0.1:1/elsewhere');
      res.status(status).end();
    });
    this.#server = createServer(app);
  }

  /** The requests answered 2xx, in arrival order. */
  get delivered(): Received[] {
    return this.requests.filter((r) => r.status !== 'hang' && r.status >= 200 && r.status < 300);
  }

  async start(): Promise<this> {
    this.url = `${await listen(this.#server)}/hook`;
    return this;
  }

  close(): Promise<void> {
    return shut(this.#server);
  }
}

export interface WebhookHarness {
  readonly ledger: LedgerHarness;
  readonly cast: Cast;
  readonly store: SqliteWebhookStore;
  webhooks: Webhooks;
  readonly url: string;
  /** Delays the dispatcher asked to sleep for (the injected sleep waits 1 ms whatever it is asked). */
  readonly sleeps: number[];
  token(party: string): Promise<string>;
  /** Call the API as `party` (undefined: anonymous). */
  api<T = Record<string, unknown>>(method: string, path: string, party?: string, body?: unknown): Promise<{ status: number; json: T }>;
  receiver(): Promise<Receiver>;
  /** Stop the dispatcher and start a new one over the same stores (a node restart). */
  restart(): Promise<void>;
  fill(n: number, prefix: string): Promise<void>;
  close(): Promise<void>;
}

export async function openWebhookHarness(options: Partial<WebhooksDeps> = {}): Promise<WebhookHarness> {
  const ledger = await openHarness('sqlite');
  const cast = await registerCast(ledger);
  const db = (ledger.store as SqliteLedgerStore).db;
  const tokens = new SqliteTokenStore(db);
  const store = new SqliteWebhookStore(db);
  const sleeps: number[] = [];
  const make = () =>
    createWebhooks({
      store, ledger: ledger.store, commits: ledger.pipeline, clock: ledger.clock,
      key: { name: 'webhook', seed: WEBHOOK_KEY.seed },
      // Receivers listen on http://127.0.0.1: allowed here explicitly, the default policy refuses both.
      urlPolicy: new UrlPolicy({ allowHttp: true, allowHosts: ['127.0.0.1'] }),
      retry: { maxAttempts: 4, baseMs: 1_000, maxMs: 60_000 },
      timeoutMs: 2_000,
      random: () => 0.5,
      // An injected timer: records the backoff asked for and waits 1 ms, so retry tests take no real time.
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return new Promise((resolve, reject) => {
          const t = setTimeout(resolve, 1);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(signal.reason);
          }, { once: true });
        });
      },
      ...options,
    });
  let webhooks = make();
  // The router is looked up per request, so a restart can swap the dispatcher behind the same app.
  const routerProxy = express.Router();
  routerProxy.use((req, res, next) => webhooks.router(req, res, next));
  const app = createApp({
    store: ledger.store, reader: new LogReader(ledger.store), pipeline: ledger.pipeline, tokens, clock: ledger.clock,
    verifierKey: ledger.signer.verifierKey, origin: ORIGIN, logger: pino({ level: 'silent' }), routers: [routerProxy],
    documentedRoutes: webhooks.routes,
  });
  const server = createServer(app);
  const url = await listen(server);
  await webhooks.start();
  const receivers: Receiver[] = [];
  const tokenOf = new Map<string, string>();
  let fills = 0;

  const h: WebhookHarness = {
    ledger, cast, store, webhooks, url, sleeps,
    async token(party) {
      const cached = tokenOf.get(party);
      if (cached !== undefined) return cached;
      const t = newToken();
      const now = ledger.clock.now();
      await tokens.insert({ id: t.id, party, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString(), revokedAt: undefined }, hashToken(t.token));
      tokenOf.set(party, t.token);
      return t.token;
    },
    async api<T>(method: string, path: string, party?: string, body?: unknown) {
      const headers: Record<string, string> = {};
      if (party !== undefined) headers['authorization'] = `Bearer ${await h.token(party)}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, json: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    async receiver() {
      const r = await new Receiver().start();
      receivers.push(r);
      return r;
    },
    async restart() {
      await webhooks.close();
      webhooks = make();
      h.webhooks = webhooks;
      await webhooks.start();
    },
    async fill(n, prefix) {
      const key: TestKey = testKey('filler');
      const submissions: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const tx: Tx = {
          v: 1, type: 'party.register', nonce: `fill-${prefix}-${++fills}`, ts: '2026-11-24T00:00:00.000Z',
          body: { id: `${prefix}-${i}`, role: 'holder', name: `filler ${i}`, publicKey: key.publicKeyB64 },
        };
        submissions.push(ledger.pipeline.submit({ tx, sigs: [{ signer: 'operator', sig: toBase64(signFast(ledger.operator.seed, txSigningBytes(tx))) }] }));
      }
      await Promise.all(submissions);
    },
    async close() {
      await webhooks.close();
      await shut(server);
      await Promise.all(receivers.map((r) => r.close()));
      await ledger.close();
    },
  };
  return h;
}

export function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = async (): Promise<void> => {
      if (await cond()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void tick(), 5);
    };
    void tick();
  });
}

// A real /v1/stream for tests: an HTTP server on port 0 with attachStream over a SQLite-backed ledger, the usual
// cast of parties, API tokens, an in-process telemetry feed, and a small client wrapper that records messages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import type { Tx } from '../../../contracts/types.js';
import { signFast } from '../../../ledger/crypto/ed25519-node.js';
import { toBase64 } from '../../../ledger/encoding/bytes.js';
import type { LedgerStore } from '../../../ledger/store/ledger-store.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { txSigningBytes } from '../../../ledger/tx/sign-tx.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import { attachStream, type StreamHandle, type StreamOptions } from '../../../server/stream/attach-stream.js';
import type { ServerMessage } from '../../../server/stream/stream-protocol.js';
import { LocalTelemetryFeed } from '../../../server/stream/telemetry-feed.js';
import { openHarness, testKey, type LedgerHarness } from '../../support/ledger-harness.js';
import { registerCast, type Cast } from '../../support/lifecycle.js';

export interface StreamHarness {
  readonly ledger: LedgerHarness;
  readonly cast: Cast;
  readonly tokens: SqliteTokenStore;
  readonly feed: LocalTelemetryFeed;
  readonly stream: StreamHandle;
  readonly server: Server;
  /** ws://127.0.0.1:<port> */
  readonly url: string;
  token(party: string, ttlMs?: number): Promise<{ id: string; token: string }>;
  /** Open a client with a bearer header for `party`; `query` is appended to /v1/stream. */
  connect(party: string, query?: string, options?: ClientOptions): Promise<StreamClient>;
  /** Commit `n` party registrations (one 'party.registered' event each), signed on the fast path. */
  fill(n: number, prefix: string): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Wrap the store the stream reads (e.g. to hold a replay page back while the test commits). */
  readonly wrapStore?: (store: LedgerStore) => LedgerStore;
}

export async function openStreamHarness(options: Partial<StreamOptions> = {}, harness: HarnessOptions = {}): Promise<StreamHarness> {
  const ledger = await openHarness('sqlite');
  const cast = await registerCast(ledger);
  const tokens = new SqliteTokenStore((ledger.store as SqliteLedgerStore).db);
  const feed = new LocalTelemetryFeed();
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stream = attachStream(server, {
    store: harness.wrapStore?.(ledger.store) ?? ledger.store, tokens, commits: ledger.pipeline, clock: ledger.clock, telemetry: feed, options,
  });
  const clients = new Set<StreamClient>();
  const fillKey = testKey('filler');
  let fillNonce = 0;

  const h: StreamHarness = {
    ledger, cast, tokens, feed, stream, server, url,
    async token(party, ttlMs = 3_600_000) {
      const t = newToken();
      const now = ledger.clock.now();
      await tokens.insert(
        { id: t.id, party, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlMs).toISOString(), revokedAt: undefined },
        hashToken(t.token),
      );
      return t;
    },
    async connect(party, query = '', clientOptions = {}) {
      const { token } = await h.token(party);
      const client = await StreamClient.open(`${url}/v1/stream${query}`, { ...clientOptions, headers: { authorization: `Bearer ${token}` } });
      clients.add(client);
      return client;
    },
    async fill(n, prefix) {
      const submissions: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        const tx: Tx = {
          v: 1, type: 'party.register', nonce: `fill-${prefix}-${++fillNonce}`, ts: '2026-11-24T00:00:00.000Z',
          body: { id: `${prefix}-${i}`, role: 'holder', name: `filler ${i}`, publicKey: fillKey.publicKeyB64 },
        };
        const sig = toBase64(signFast(ledger.operator.seed, txSigningBytes(tx)));
        submissions.push(ledger.pipeline.submit({ tx, sigs: [{ signer: 'operator', sig }] }));
      }
      await Promise.all(submissions);
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await stream.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ledger.close();
    },
  };
  return h;
}

/** A real ws client that records every message and how the connection ended. */
export class StreamClient {
  readonly messages: ServerMessage[] = [];
  /** Messages that arrived as binary frames (every server message must be a text frame: browsers get a Blob otherwise). */
  binaryFrames = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames += 1;
      this.messages.push(JSON.parse(String(data)) as ServerMessage);
      for (const w of this.#waiters) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
  }

  static open(url: string, options: ClientOptions = {}): Promise<StreamClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new StreamClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  subscribe(channels: string[], since?: number): void {
    this.send(since === undefined ? { op: 'subscribe', channels } : { op: 'subscribe', channels, since });
  }

  events(): Extract<ServerMessage, { type: 'event' }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event');
  }

  /** Resolves with the first recorded message matching `pred` (waiting up to `timeoutMs`). */
  waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.messages.find(pred);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(found);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => m.type))}`));
      }, timeoutMs);
      if (!check()) this.#waiters.push(waiter);
    });
  }
}

/** The HTTP status an upgrade is refused with (rejects if it is accepted). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (e) => reject(e));
  });
}

/**
 * A store whose `method` calls wait while the gate is shut, so a test can commit at a chosen point of a replay.
 * `shutAfter(n)`: the next n calls pass, the ones after wait until `open()`.
 */
export function gatedStore(store: LedgerStore, method: 'events' | 'latestCheckpoint') {
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  let calls = 0;
  let passFree = Infinity;
  const proxy = new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== method) return fn;
      return async (...args: unknown[]) => {
        calls += 1;
        if (passFree > 0) passFree -= 1;
        else await gate;
        return fn(...args);
      };
    },
  });
  return {
    store: proxy,
    calls: () => calls,
    shutAfter(n: number): void {
      passFree = n;
      gate = new Promise((resolve) => (release = resolve));
    },
    open(): void {
      passFree = Infinity;
      release();
    },
  };
}

export function waitUntil(cond: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

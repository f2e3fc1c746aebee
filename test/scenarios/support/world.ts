// One real Ledgerhouse for acceptance scenarios: startSystem on a temp data dir (embedded aedes, gateway, HTTP,
// WebSocket, webhooks, SQLite), driven only through public interfaces. Parties sign with reproducible test keys;
// API tokens are made the way `ledgerhouse token create` makes them. `close()` leaves nothing behind.
import { systemClock, type Clock } from '../../../ledger/clock.js';
import { hashToken, newToken } from '../../../server/auth/token-store.js';
import { loadConfig } from '../../../server/config.js';
import { OPERATOR_ID, startSystem, type System } from '../../../server/system.js';
import { buildTx, testKey, type TestKey } from '../../support/ledger-harness.js';
import { tempDir } from '../../support/temp-dir.js';

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export interface Problem {
  readonly code: string;
  readonly detail?: string;
}

export interface World {
  readonly system: System;
  readonly url: string;
  readonly dataDir: string;
  readonly operator: TestKey;
  /** Register a party (signed by the operator) and return its key. */
  party(id: string, role: string): Promise<TestKey>;
  /** A bearer token for `party`, made like `ledgerhouse token create`. */
  token(party: string): Promise<string>;
  /** POST /v1/transactions with a transaction signed by `signers`. */
  tx(type: string, body: unknown, signers: readonly TestKey[]): Promise<Answer>;
  /** As `tx`, but the transaction must be accepted; returns its ledger index. */
  commit(type: string, body: unknown, signers: readonly TestKey[]): Promise<number>;
  /** GET with an optional bearer token; JSON answers are parsed. */
  get<T = Record<string, unknown>>(path: string, token?: string): Promise<Answer<T>>;
  post<T = Record<string, unknown>>(path: string, body: unknown, token?: string): Promise<Answer<T>>;
  /** Stop the system (graceful) without removing the data directory. */
  stop(): Promise<void>;
  /** Stop (if running) and remove the data directory. */
  close(): Promise<void>;
}

export const receiptId = (index: number): string => `rc-${String(index).padStart(12, '0')}`;
export const pledgeId = (index: number): string => `pl-${String(index).padStart(12, '0')}`;
export const nowIso = (ms = Date.now()): string => new Date(ms).toISOString();

export async function startWorld(clock: Clock = systemClock): Promise<World> {
  const tmp = tempDir('lh-scenario-');
  let system: System;
  try {
    system = await startSystem(loadConfig({
      LH_DATA_DIR: tmp.dir, LH_HTTP_PORT: '0', LH_MQTT_PORT: '0', LH_DEMO: 'false', LH_LOG_LEVEL: 'silent', LH_BATCH_MS: '200',
      // Webhook receivers listen on http://127.0.0.1: allowed explicitly (the default policy refuses both).
      LH_WEBHOOK_ALLOW_HTTP: 'true', LH_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    }), clock);
  } catch (e) {
    tmp.remove();
    throw e;
  }
  const operator: TestKey = { id: OPERATOR_ID, seed: system.keys.operator.seed, publicKey: system.keys.operator.publicKey, publicKeyB64: Buffer.from(system.keys.operator.publicKey).toString('base64') };
  const url = system.httpUrl;
  let running = true;

  const request = async <T>(method: string, path: string, body: unknown, token?: string): Promise<Answer<T>> => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (a checkpoint note, metrics): keep the text
    }
    return { status: res.status, body: parsed as T };
  };

  const world: World = {
    system, url, dataDir: tmp.dir, operator,
    async party(id, role) {
      const key = testKey(id);
      await world.commit('party.register', { id, role, name: `${id} (scenario)`, publicKey: key.publicKeyB64 }, [operator]);
      return key;
    },
    async token(party) {
      const { id, token } = newToken();
      const now = Date.now();
      await system.tokens.insert({ id, party, createdAt: nowIso(now), expiresAt: nowIso(now + 86_400_000), revokedAt: undefined }, hashToken(token));
      return token;
    },
    tx(type, body, signers) {
      return request('POST', '/v1/transactions', buildTx(type, body, signers, { ts: nowIso() }));
    },
    async commit(type, body, signers) {
      const a = await world.tx(type, body, signers);
      if (a.status !== 201 && a.status !== 200) throw new Error(`${type} refused: ${a.status} ${JSON.stringify(a.body)}`);
      return a.body['index'] as number;
    },
    get: (path, token) => request('GET', path, undefined, token),
    post: (path, body, token) => request('POST', path, body, token),
    async stop() {
      if (!running) return;
      running = false;
      await system.close();
    },
    async close() {
      await world.stop();
      tmp.remove();
    },
  };
  return world;
}

/** The refusal code of a problem+json answer. */
export const codeOf = (a: Answer): string | undefined => (a.body as unknown as Problem).code;

/** Polls `check` until it yields a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

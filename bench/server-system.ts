// The server benchmarks' system under test: a whole Ledgerhouse started in-process with startSystem (embedded aedes,
// gateway, HTTP, WebSocket, webhooks, SQLite on a temp dir) plus a bare express route on the same server, seeded
// with a pledged receipt watched by a few devices, a second lot with the devices that carry the ingest load, and
// tokens; and the load generator as a child process (bench/server-load-client.ts) over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { systemClock } from '../ledger/clock.js';
import { toBase64 } from '../ledger/encoding/bytes.js';
import { hashToken, newToken } from '../server/auth/token-store.js';
import { loadConfig } from '../server/config.js';
import { OPERATOR_ID, startSystem, type System } from '../server/system.js';
import { buildTx, testKey, type TestKey } from '../test/support/ledger-harness.js';
import type { BenchDevice, LoadRequest } from './server-load-client.js';
import { tempDir } from './temp-dir.js';

export const BARE_PATH = '/bench/bare';

export interface BenchSystem {
  readonly system: System;
  readonly url: string;
  /** The bank's token (it holds the pledge). */
  readonly bankToken: string;
  readonly pledgeId: string;
  readonly receiptId: string;
  /** Devices on the unpledged lot that carry the ingest load. */
  readonly loadDevices: readonly BenchDevice[];
  close(): Promise<void>;
}

const nowIso = (): string => new Date().toISOString();

/** Node settings a benchmark run passes through from its own environment (A/B runs); otherwise the node's defaults. */
const A_B_SETTINGS = ['LH_WORKER_NICE', 'LH_TOKEN_CACHE_MS', 'LH_GROUP_COMMIT_MS'] as const;

export async function startBenchSystem(opts: { loadDevices: number }): Promise<BenchSystem> {
  const tmp = tempDir('lh-bench-server-');
  const bare = Router();
  bare.get(BARE_PATH, (_req, res) => {
    res.json({ ok: true });
  });
  let system: System;
  try {
    system = await startSystem(loadConfig({
      LH_DATA_DIR: tmp.dir, LH_HTTP_PORT: '0', LH_MQTT_PORT: '0', LH_DEMO: 'false', LH_LOG_LEVEL: 'silent', LH_BATCH_MS: '200',
      // A/B: LH_BENCH_GATEWAY_THREAD=false runs the gateway on the API's event loop (the node's default: its own thread).
      LH_GATEWAY_THREAD: process.env['LH_BENCH_GATEWAY_THREAD'] ?? 'true',
      // A/B, when set: LH_WORKER_NICE=0 (worker threads at the node's priority), LH_TOKEN_CACHE_MS=0 (token and party
      // looked up on every request), LH_GROUP_COMMIT_MS=0 (a store write as soon as the store is idle).
      ...Object.fromEntries(A_B_SETTINGS.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]]))),
    }), systemClock, undefined, { routers: [bare] });
  } catch (e) {
    tmp.remove();
    throw e;
  }
  const operator: TestKey = { id: OPERATOR_ID, seed: system.keys.operator.seed, publicKey: system.keys.operator.publicKey, publicKeyB64: toBase64(system.keys.operator.publicKey) };
  const commit = async (type: string, body: unknown, signers: readonly TestKey[]): Promise<number> =>
    (await system.pipeline.submit(buildTx(type, body, signers, { ts: nowIso() }))).index;
  const party = async (id: string, role: string): Promise<TestKey> => {
    const key = testKey(id);
    await commit('party.register', { id, role, name: id, publicKey: key.publicKeyB64 }, [operator]);
    return key;
  };
  const [warehouse, holder, bank] = [await party('wh-bench', 'warehouse'), await party('holder-bench', 'holder'), await party('bank-bench', 'bank')];
  const lot = (name: string) => ({ lot: name, site: 'site-1', bay: 'B1', commodity: 'maize', quantity: '1000.000', unit: 'kg' });
  const issue = async (name: string): Promise<string> => {
    await commit('lot.deposit', { warehouse: warehouse.id, ...lot(name) }, [warehouse]);
    const index = await commit('receipt.issue', { warehouse: warehouse.id, holder: holder.id, ...lot(name), grade: 'US No. 2' }, [warehouse]);
    return `rc-${String(index).padStart(12, '0')}`;
  };
  const receiptId = await issue('lot-pledged');
  await issue('lot-load');
  const device = async (id: string, lotName: string): Promise<BenchDevice> => {
    const key = testKey(id);
    await commit('device.register', { id, warehouse: warehouse.id, site: 'site-1', kinds: ['load-cell'], publicKey: key.publicKeyB64, lot: lotName }, [warehouse]);
    return { id, warehouse: warehouse.id, seedB64: toBase64(key.seed) };
  };
  for (let i = 0; i < 4; i++) await device(`scale-pledged-${i}`, 'lot-pledged');
  const loadDevices: BenchDevice[] = [];
  for (let i = 0; i < opts.loadDevices; i++) loadDevices.push(await device(`scale-load-${i}`, 'lot-load'));
  const maturity = new Date(Date.now() + 180 * 86_400_000).toISOString();
  const pledgeIndex = await commit('pledge.create', {
    receipt: receiptId, bank: bank.id, amount: '250000.00', currency: 'USD', maturity, covenants: { quantityFloor: '900.000' },
  }, [holder, bank]);
  const t = newToken();
  const now = Date.now();
  await system.tokens.insert({ id: t.id, party: bank.id, createdAt: nowIso(), expiresAt: new Date(now + 86_400_000).toISOString(), revokedAt: undefined }, hashToken(t.token));
  return {
    system, url: system.httpUrl, bankToken: t.token, pledgeId: `pl-${String(pledgeIndex).padStart(12, '0')}`, receiptId, loadDevices,
    async close() {
      await system.close();
      tmp.remove();
    },
  };
}

/** The load generator in a child process: `ask` sends one request and resolves with its answer. */
export interface LoadClient {
  ask<T>(req: LoadRequest): Promise<T>;
  close(): Promise<void>;
}

export function startLoadClient(): LoadClient {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server-load-client.ts');
  const child: ChildProcess = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let queue = Promise.resolve<unknown>(undefined);
  return {
    ask<T>(req: LoadRequest): Promise<T> {
      const answer = queue.then(() => new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null): void => reject(new Error(`load client exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (m: { ok: boolean; result?: T; error?: string }) => {
          child.off('exit', onExit);
          if (m.ok) resolve(m.result as T);
          else reject(new Error(`load client: ${m.error}`));
        });
        child.send(req);
      }));
      queue = answer.catch(() => undefined);
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ kind: 'exit' });
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}

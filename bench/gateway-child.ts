// The process the gateway benchmark measures: it runs either the Ledgerhouse gateway (embedded aedes, SQLite
// telemetry and ledger on files) or bare aedes (the baseline), so the load generators and the 10,000 client
// sockets live in the parent and the RSS and CPU figures are the broker's own. Talks to the parent over the
// fork IPC channel: `start` → `ready`, `usage` → `usage`, `close` → `closed`; while running it reports every
// anchored batch with the sampled readings it covered.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import type { DeviceRegisterBody } from '../contracts/tx/device-register.js';
import { createGateway, type Gateway } from '../iot-gateway/index.js';
import { systemClock } from '../ledger/clock.js';
import { VerifyPool } from '../ledger/crypto/verify-pool.js';
import { GATEWAY_ID } from '../server/system.js';
import { loadConfig } from '../server/config.js';
import { benchSeed } from './bench-keys.js';
import { openGatewayLedger } from './gateway-ledger.js';

export interface StartGateway {
  readonly op: 'start';
  readonly mode: 'gateway' | 'aedes';
  /** SQLite file of the ledger (gateway mode). */
  readonly file: string;
  /** JSON file with the device.register bodies (gateway mode). */
  readonly devicesFile: string;
  readonly batchMs: number;
  readonly batchMax: number;
  /** Report readings whose seq is a multiple of this when their batch is anchored. */
  readonly sampleEvery: number;
}

export type ParentMessage = StartGateway | { readonly op: 'usage' } | { readonly op: 'close' };

export interface Usage {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Process CPU time (user + system) since it started, ms: every thread (verification pool, store writer). */
  readonly cpuMs: number;
  /** The main thread's own CPU time (user + system), ms: what bounds intake. Linux only (/proc), NaN elsewhere. */
  readonly mainCpuMs: number;
  /** Wall clock (performance.timeOrigin + now), ms: comparable across processes on one machine. */
  readonly atMs: number;
}

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number; readonly setupMs: number }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'anchored'; readonly atMs: number; readonly readings: number; readonly keys: readonly string[] }
  | { readonly type: 'closed' };

/** Absolute wall time in ms with sub-ms resolution, the same clock in every process on the machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** The key of a reading in latency bookkeeping. */
export const readingKey = (device: string, seq: number): string => `${device}:${seq}`;

function send(m: ChildMessage): void {
  process.send?.(m);
}

/**
 * CPU time of the main thread (its task id is the process id), ms: sum_exec_runtime from schedstat (ns, the
 * scheduler's own account), else utime + stime from stat (proc(5) fields 14 and 15, in 10 ms clock ticks: too
 * coarse for a short round).
 */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return mainThreadTicksMs();
  }
}

function mainThreadTicksMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** sysconf(_SC_CLK_TCK): 100 on Linux. */
const CLOCK_TICKS = 100;

function usage(): Usage {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs: mainThreadCpuMs(), atMs: wallNow() };
}

async function startGateway(m: StartGateway): Promise<{ port: number; close: () => Promise<void> }> {
  const devices = JSON.parse(readFileSync(m.devicesFile, 'utf8')) as DeviceRegisterBody[];
  const ledger = await openGatewayLedger(m.file, devices);
  // As server/system.ts runs a node: device signatures checked in the worker pool (LH_BENCH_VERIFY_POOL=off: in-thread, for A/B).
  // The node's defaults; LH_WORKER_NICE and LH_GROUP_COMMIT_MS for A/B.
  const { workerNice, groupCommitMs } = loadConfig({ LH_WORKER_NICE: process.env.LH_WORKER_NICE, LH_GROUP_COMMIT_MS: process.env.LH_GROUP_COMMIT_MS });
  const verifyPool = process.env.LH_BENCH_VERIFY_POOL === 'off' ? undefined : new VerifyPool({ nice: workerNice });
  const gw: Gateway = await createGateway({
    ...(verifyPool === undefined ? {} : { verifyPool }), db: ledger.db, pipeline: ledger.pipeline, store: ledger.store, gateway: { id: GATEWAY_ID, seed: benchSeed(GATEWAY_ID) },
    clock: systemClock, logger: pino({ level: 'silent' }),
    options: {
      mqttHost: '127.0.0.1', mqttPort: 0, batchMs: m.batchMs, batchMax: m.batchMax,
      rate: { perSecond: 1_000_000, burst: 1_000_000 }, // the load is many readings per device; the limiter is not under test
      // As a node runs it: telemetry writes in the store's writer thread (LH_BENCH_STORE_THREAD=off: on the main thread, for A/B).
      telemetryWrites: process.env.LH_BENCH_STORE_THREAD === 'off' ? 'main' : 'thread',
      workerNice, groupDelayMs: groupCommitMs,
    },
  });
  const sampled = new Map<number, string>();
  gw.on('reading', ({ id, record }) => {
    if (record.seq % m.sampleEvery === 0) sampled.set(id, readingKey(record.device, record.seq));
  });
  gw.on('anchored', ({ batchId, readings }) => {
    const atMs = wallNow(); // the anchor's commit, with its signed checkpoint, is done
    void gw.telemetry.batch(batchId).then((b) => {
      const keys: string[] = [];
      for (let id = b?.firstId ?? 0; b !== undefined && id <= b.lastId; id++) {
        const key = sampled.get(id);
        if (key === undefined) continue;
        keys.push(key);
        sampled.delete(id);
      }
      send({ type: 'anchored', atMs, readings, keys });
    });
  });
  return {
    port: gw.mqttPort,
    async close() {
      await gw.close();
      await ledger.close();
      await verifyPool?.close();
    },
  };
}

async function startAedes(): Promise<{ port: number; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let running: { port: number; close: () => Promise<void> } | undefined;

process.on('message', (m: ParentMessage) => {
  if (m.op === 'start') {
    const t0 = wallNow();
    void (m.mode === 'gateway' ? startGateway(m) : startAedes()).then((r) => {
      running = r;
      send({ type: 'ready', port: r.port, setupMs: wallNow() - t0 });
    }, (e: unknown) => {
      process.stderr.write(`gateway-child: start failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
  } else if (m.op === 'usage') {
    send({ type: 'usage', usage: usage() });
  } else {
    void (running?.close() ?? Promise.resolve()).finally(() => {
      process.send?.({ type: 'closed' } satisfies ChildMessage, () => process.exit(0));
    });
  }
});

// Several gateway processes on the real Mosquitto and PostgreSQL, for test/scale/pg-gateways.test.ts and
// bench/gateway-scale.ts. A fresh schema holds a ledger with genesis, the gateway party, one warehouse and its
// devices, all named uniquely per run, as are the topics and the share group, so parallel runs on the shared
// broker and database never meet. Gateways run as child processes (pg-gateway-child.ts); devices are mqtt.js
// clients in this process publishing pre-signed QoS 1 readings, resolved on the broker's PUBACK.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { telemetryTopic } from '../../iot-gateway/broker/topics.js';
import { signReading } from '../../iot-gateway/formats/telemetry-signing.js';
import type { GatewayStats } from '../../iot-gateway/gateway-stats.js';
import { systemClock } from '../../ledger/clock.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { LogSigner } from '../../ledger/pipeline/log-signer.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import { contractServices, GATEWAY_ID, OPERATOR_ID } from '../../server/system.js';
import { buildTx, ORIGIN, testKey } from '../support/ledger-harness.js';
import { createTestSchema, type TestSchema } from '../support/pg.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./pg-gateway-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ChildStats = GatewayStats & { readonly instance: string; readonly batcher: boolean; readonly cpuMs: number };

export interface GatewayProc {
  readonly instance: string;
  readonly proc: ChildProcess;
  /** The latest stats line (every 200 ms). */
  stats: ChildStats | undefined;
  readonly ready: Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** SIGTERM: the gateway closes gracefully (anchoring what it stored); resolves with its final stats. */
  stop(): Promise<ChildStats | undefined>;
  kill(): void;
}

export interface ScaleWorld {
  readonly run: string;
  readonly schema: TestSchema;
  readonly store: PgLedgerStore;
  readonly warehouse: string;
  readonly devices: readonly string[];
  /** Starts gateway `name` (the same name again resumes its MQTT session after a kill). */
  startGateway(name: string, opts?: { batchMs?: number; batchMax?: number }): GatewayProc;
  /** One connected mqtt.js client per device (clean sessions: the broker owns device auth here). */
  connectDevices(): Promise<MqttClient[]>;
  /** The device's reading `seq`, signed, timestamped now. */
  reading(device: string, seq: number): { topic: string; payload: string };
  close(): Promise<void>;
}

export interface ScaleWorldOptions {
  readonly pgUrl: string;
  readonly mqttUrl: string;
  readonly devices: number;
}

export async function openScaleWorld(opts: ScaleWorldOptions): Promise<ScaleWorld> {
  const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
  const warehouse = `whs-${run}`;
  const devices = Array.from({ length: opts.devices }, (_, i) => `gs-${run}-${i}`);
  const schema = await createTestSchema(opts.pgUrl);
  const store = await PgLedgerStore.open(schema.pool(4));
  const fast = new FastVerifier();
  const pipeline = await CommitPipeline.open({
    store, clock: systemClock, signer: new LogSigner(ORIGIN, testKey('log').seed), verify: (s, m, k) => fast.verify(s, m, k), services: contractServices(),
  });
  const op = testKey(OPERATOR_ID);
  const wh = testKey(warehouse);
  await pipeline.submit(buildTx('ledger.genesis', { origin: ORIGIN, operator: { id: OPERATOR_ID, name: 'Operator', publicKey: op.publicKeyB64 } }, [op]));
  for (const [id, role] of [[GATEWAY_ID, 'gateway'], [warehouse, 'warehouse']] as const) {
    await pipeline.submit(buildTx('party.register', { id, role, name: id, publicKey: testKey(id).publicKeyB64 }, [op]));
  }
  await Promise.all(devices.map((id) =>
    pipeline.submit(buildTx('device.register', { id, warehouse, site: 'site-1', kinds: ['load-cell'], publicKey: testKey(id).publicKeyB64 }, [wh]))));
  await pipeline.close();

  const gateways: GatewayProc[] = [];
  const clients: MqttClient[] = [];
  const seeds = new Map(devices.map((d) => [d, testKey(d).seed]));
  return {
    run, schema, store, warehouse, devices,
    startGateway(name, g = {}) {
      const instance = `${name}-${run}`; // names the MQTT session too: unique per run on the shared broker
      const proc = startChild(instance, {
        LH_TEST_PG_URL: opts.pgUrl, LH_SCHEMA: schema.name, LH_TEST_MQTT_URL: opts.mqttUrl, LH_SHARE_GROUP: `lh-scale-${run}`,
        LH_INSTANCE: instance, LH_BATCH_MS: String(g.batchMs ?? 200), LH_BATCH_MAX: String(g.batchMax ?? 500),
      });
      gateways.push(proc);
      return proc;
    },
    async connectDevices() {
      const connected = await Promise.all(devices.map((d) =>
        mqtt.connectAsync(opts.mqttUrl, { clientId: `lh-dev-${d}`, clean: true, reconnectPeriod: 500, connectTimeout: 5000 })));
      clients.push(...connected);
      return connected;
    },
    reading(device, seq) {
      const signed = signReading({ device, seq, ts: new Date().toISOString(), kind: 'load-cell', values: { kg: 1000 + (seq % 97) } }, seeds.get(device)!);
      return { topic: telemetryTopic(warehouse, device, 'telemetry'), payload: JSON.stringify(signed) };
    },
    async close() {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
      for (const g of gateways) g.kill();
      await Promise.all(gateways.map((g) => g.exit));
      await store.close();
      await schema.drop();
    },
  };
}

function startChild(instance: string, env: Record<string, string>): GatewayProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal, stderr })); // after stdout ended: no line is lost
  });
  let closed: ((s: ChildStats) => void) | undefined;
  const closedStats = new Promise<ChildStats>((resolve) => {
    closed = resolve;
  });
  const g: GatewayProc = {
    instance, proc, stats: undefined, exit,
    ready: new Promise<void>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const msg = JSON.parse(line) as { ready?: ChildStats; stats?: ChildStats; closed?: ChildStats };
        g.stats = msg.ready ?? msg.stats ?? msg.closed ?? g.stats;
        if (msg.ready !== undefined) resolve();
        if (msg.closed !== undefined) closed!(msg.closed);
      });
      void exit.then((e) => reject(new Error(`gateway ${instance} exited before it was ready (${e.code ?? e.signal}): ${e.stderr}`)));
    }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return g.stats;
      proc.kill('SIGTERM');
      return Promise.race([closedStats, exit.then(() => g.stats)]);
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
  g.ready.catch(() => undefined); // observed by whoever awaits it
  return g;
}

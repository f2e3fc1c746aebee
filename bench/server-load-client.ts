// The server benchmarks' load generator, run as a child process (`fork` with `--import tsx`) so that it never shares
// the server's event loop. Driven over IPC:
//   {kind:'http', url, token, rate, durationMs}     open-loop GETs on raw keep-alive sockets (a lean HTTP/1.1 client in
//                                                    the spirit of wrk2, one request in flight per connection, at most
//                                                    256); latency from each request's *scheduled* time
//   {kind:'mqtt-prepare', port, devices, rate, durationMs}  connect the devices (once; the lean client of
//                                                    mqtt-wire-client.ts, or mqtt.js with LH_BENCH_MQTT_CLIENT=mqttjs),
//                                                    sign the next readings
//   {kind:'mqtt', rate}                              publish the prepared readings QoS 1 on a schedule
//   {kind:'ws-open', url, token, count}              more WebSocket clients subscribed to `alerts`
//   {kind:'ws-collect', index, timeoutMs}            arrival times (epoch ms) of the alert at `index`, one per client
//   {kind:'exit'}
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { WebSocket } from 'ws';
import { ResponseReader } from './http-wire-reader.js';
import { clientKind, connectWire, type BenchPublisher } from './mqtt-wire-client.js';
import { signFast } from '../ledger/crypto/ed25519-node.js';
import { fromBase64 } from '../ledger/encoding/bytes.js';
import { canonicalJson } from '../ledger/encoding/canonical.js';
import { telemetryTopic } from '../iot-gateway/broker/topics.js';
import type { Reading } from '../iot-gateway/formats/telemetry-message.js';
import { makeDeviceToken, signReading } from '../iot-gateway/index.js';

export interface BenchDevice {
  readonly id: string;
  readonly warehouse: string;
  readonly seedB64: string;
}

export type LoadRequest =
  | { kind: 'http'; url: string; token: string; rate: number; durationMs: number }
  | { kind: 'mqtt-prepare'; port: number; devices: readonly BenchDevice[]; rate: number; durationMs: number }
  | { kind: 'mqtt'; rate: number }
  | { kind: 'ws-open'; url: string; token: string; count: number }
  | { kind: 'ws-collect'; index: number; timeoutMs: number }
  | { kind: 'exit' };

export interface HttpLoadResult {
  /** One per request sent; a request still unanswered at the cut-off counts with its wait so far. */
  readonly latenciesMs: number[];
  readonly errors: number;
  /** Requests still unanswered at the cut-off (the schedule's end + GRACE_MS). */
  readonly unanswered: number;
  readonly wallMs: number;
  /** The load generator's own CPU time over the run, ms (it shares the machine's cores with the server). */
  readonly cpuMs: number;
  /**
   * How late each request left this process after its scheduled time, ms: a request waits for a free connection,
   * or for this process's event loop when it got no core in time. Part of its latency that the server did not cause.
   */
  readonly sendLagMs: number[];
  /** Connections opened over the run (one more whenever every open connection had a request in flight). */
  readonly connections: number;
}

/** How long after the last scheduled send a phase waits for answers before it is cut off. */
export const GRACE_MS = 3_000;

export interface MqttLoadResult {
  readonly published: number;
  readonly acked: number;
  readonly wallMs: number;
  /** The load generator's own CPU time over the run, ms (it shares the machine's cores with the server). */
  readonly cpuMs: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** The node:http Agent's cap, kept: a request due while this many connections are busy waits for one to free. */
const MAX_CONNECTIONS = 256;
/** Every connection reads into this one buffer (net's `onread`): no allocation per read, no stream machinery. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One keep-alive connection of the open loop and the request it is waiting on (-1: idle). */
interface Connection {
  readonly socket: Socket;
  inFlight: number;
}

/**
 * Requests sent on a fixed schedule whatever the answers do (open loop: no coordinated omission), over raw keep-alive
 * sockets with one request in flight per connection, as wrk2 does: the request bytes are built once and a response is
 * read only as far as its status and framing, so the load generator takes as little CPU as it can from the cores it
 * shares with the server under test (node:http's client costs far more per request).
 */
export function openLoop(req: Extract<LoadRequest, { kind: 'http' }>): Promise<HttpLoadResult> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:') throw new RangeError(`url: expected http://, got ${url.protocol}`);
  const target = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 80) };
  const request = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${req.token}\r\nConnection: keep-alive\r\n\r\n`,
    'latin1',
  );
  const n = Math.round((req.rate * req.durationMs) / 1000);
  const latenciesMs: number[] = new Array<number>(n).fill(0);
  const sendLagMs: number[] = new Array<number>(n).fill(0);
  let connections = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now() + 20;
  const at = (i: number): number => t0 + (i * 1000) / req.rate;
  let next = 0;
  let done = 0;
  let errors = 0;
  const answered = new Uint8Array(n);
  const open = new Set<Connection>();
  /** Idle connections, the most recently used last (reused first, as the Agent's 'lifo' scheduling does). */
  const idle: Connection[] = [];
  /** Requests due and not yet sent (every connection was busy), oldest first from `queueHead`. */
  const queue: number[] = [];
  let queueHead = 0;
  return new Promise((resolve) => {
    let over = false;
    const end = (): void => {
      if (over) return;
      over = true;
      clearTimeout(cutoff);
      const now = performance.now();
      let unanswered = 0;
      for (let i = 0; i < n; i++) {
        if (answered[i] === 0) {
          unanswered += 1;
          latenciesMs[i] = now - at(i);
        }
      }
      for (const c of open) c.socket.destroy();
      open.clear();
      idle.length = 0;
      resolve({ latenciesMs, errors: errors + unanswered, unanswered, wallMs: now - t0, cpuMs: cpuMsSince(cpu0), sendLagMs, connections });
    };
    const cutoff = setTimeout(end, 20 + req.durationMs + GRACE_MS);
    const finish = (i: number, ok: boolean): void => {
      if (over) return;
      answered[i] = 1;
      latenciesMs[i] = performance.now() - at(i);
      if (!ok) errors += 1;
      if (++done === n) end();
    };
    const send = (c: Connection, i: number): void => {
      c.inFlight = i;
      sendLagMs[i] = performance.now() - at(i);
      c.socket.write(request);
    };
    /** Due requests, oldest first, onto idle connections, else new ones up to the cap; the rest wait in the queue. */
    const pump = (): void => {
      while (!over && queueHead < queue.length) {
        const c = idle.pop() ?? (open.size < MAX_CONNECTIONS ? connect() : undefined);
        if (c === undefined) return;
        send(c, queue[queueHead++]!);
      }
      queue.length = queueHead = 0;
    };
    /** A connection that closed, failed or broke the protocol: its request fails and it is not used again. */
    const drop = (c: Connection): void => {
      if (!open.delete(c)) return;
      c.socket.destroy();
      const k = idle.indexOf(c);
      if (k >= 0) idle.splice(k, 1);
      if (c.inFlight >= 0) finish(c.inFlight, false);
      c.inFlight = -1;
      pump();
    };
    const answer = (c: Connection, status: number, close: boolean): void => {
      const i = c.inFlight;
      c.inFlight = -1;
      if (i < 0) return drop(c); // an answer nobody asked for
      finish(i, status === 200);
      if (close) return drop(c);
      idle.push(c);
      pump();
    };
    const connect = (): Connection => {
      const reader = new ResponseReader((status, close) => answer(c, status, close));
      const onread = {
        buffer: READ_BUFFER,
        callback: (bytes: number): boolean => {
          if (!reader.feed(READ_BUFFER.subarray(0, bytes))) drop(c);
          return true;
        },
      };
      const socket = netConnect({ ...target, noDelay: true, onread });
      const c: Connection = { socket, inFlight: -1 };
      connections += 1;
      socket.on('error', () => undefined); // 'close' follows
      socket.on('close', () => {
        const status = reader.closed();
        if (status !== undefined && c.inFlight >= 0) answer(c, status, true);
        else drop(c);
      });
      open.add(c);
      return c;
    };
    const tick = (): void => {
      if (over) return;
      const now = performance.now();
      while (next < n && at(next) <= now) queue.push(next++);
      pump();
      if (next < n) setTimeout(tick, Math.max(0, at(next) - performance.now()));
    };
    setTimeout(tick, 20);
  });
}

function connectOnce(port: number, d: BenchDevice): Promise<BenchPublisher> {
  const password = makeDeviceToken(d.id, Date.now(), fromBase64(d.seedB64, 'seed'), signFast);
  if (clientKind() === 'wire') return connectWire(port, { clientId: d.id, username: d.id, password, connectTimeoutMs: 30_000 });
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: d.id, username: d.id, password, reconnectPeriod: 0, clean: true });
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('close', () => reject(new Error(`device ${d.id}: closed before CONNACK`)));
  });
}

/** Connects, retrying a refused or dropped attempt a few times (a connect storm on a busy machine can time out). */
async function connect(port: number, d: BenchDevice): Promise<BenchPublisher> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(port, d);
    } catch (e) {
      if (attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/** All devices connected, ten at a time. */
async function connectAll(port: number, devices: readonly BenchDevice[]): Promise<BenchPublisher[]> {
  const clients: BenchPublisher[] = [];
  for (let i = 0; i < devices.length; i += 10) clients.push(...(await Promise.all(devices.slice(i, i + 10).map((d) => connect(port, d)))));
  return clients;
}

/** The devices' MQTT connections and next sequence numbers, kept across rounds (a repeated seq is a replay). */
let fleet: { clients: BenchPublisher[]; devices: readonly BenchDevice[]; seq: number[] } | undefined;
let prepared: { topic: string; body: Buffer }[][] = [];

/** Connect the devices (once) and sign the readings of the next `durationMs` at `rate` before any clock starts. */
async function prepare(req: Extract<LoadRequest, { kind: 'mqtt-prepare' }>): Promise<number> {
  fleet ??= { clients: await connectAll(req.port, req.devices), devices: req.devices, seq: req.devices.map(() => 0) };
  const f = fleet;
  // A device the broker dropped meanwhile (e.g. keep-alive missed while the server was overloaded) connects again.
  for (const [k, c] of f.clients.entries()) {
    if (!c.connected) {
      await c.endAsync(true);
      f.clients[k] = await connect(req.port, f.devices[k]!);
    }
  }
  const perDevice = Math.ceil((req.rate * req.durationMs) / 1000 / f.devices.length);
  const start = Date.now();
  prepared = f.devices.map((d, k) => {
    const seed = fromBase64(d.seedB64, 'seed');
    const topic = telemetryTopic(d.warehouse, d.id, 'telemetry');
    return Array.from({ length: perDevice }, (_, i) => {
      const ts = new Date(start + i).toISOString(); // signing time (+1 ms per reading): never in the future when sent
      const reading = { device: d.id, seq: f.seq[k]!++, ts, kind: 'load-cell', values: { kg: 1000 } } as unknown as Reading;
      return { topic, body: Buffer.from(canonicalJson(signReading(reading, seed, signFast))) }; // RFC 8785, as the simulator sends
    });
  });
  return perDevice * f.devices.length;
}

/** The prepared readings published QoS 1 on a schedule of `rate`/s spread over the devices; counts PUBACKs. */
async function publishPrepared(req: Extract<LoadRequest, { kind: 'mqtt' }>): Promise<MqttLoadResult> {
  const clients = fleet?.clients ?? [];
  const total = prepared.reduce((n, p) => n + p.length, 0);
  let published = 0;
  let acked = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * req.rate) / 1000));
      while (published < due) {
        const i = published++;
        const d = i % clients.length;
        const p = prepared[d]![Math.floor(i / clients.length)]!;
        clients[d]!.publish(p.topic, p.body, { qos: 1 }, (err) => {
          if (err === undefined || err === null) acked += 1;
        });
      }
      if (published < total) setTimeout(tick, 2);
      else resolve();
    };
    tick();
  });
  const until = performance.now() + 3000;
  while (acked < published && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  return { published, acked, wallMs: performance.now() - t0, cpuMs: cpuMsSince(cpu0) };
}

const sockets: WebSocket[] = [];
/** Arrival times of each alert (by ledger index), one per client. */
const arrivals = new Map<number, number[]>();

function openClient(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/stream`, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ op: 'subscribe', channels: ['alerts'] })));
    ws.on('message', (data: Buffer) => {
      const t = epochMs();
      const msg = JSON.parse(data.toString('utf8')) as { type: string; channel?: string; index?: number };
      if (msg.type === 'subscribed') resolve(ws);
      else if (msg.type === 'event' && msg.channel === 'alerts' && msg.index !== undefined) {
        let list = arrivals.get(msg.index);
        if (list === undefined) arrivals.set(msg.index, (list = []));
        list.push(t);
      }
    });
  });
}

async function openClients(req: Extract<LoadRequest, { kind: 'ws-open' }>): Promise<number> {
  for (let opened = 0; opened < req.count; opened += 100) {
    const batch = Math.min(100, req.count - opened);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, () => openClient(req.url, req.token)))));
  }
  return sockets.length;
}

async function collect(req: Extract<LoadRequest, { kind: 'ws-collect' }>): Promise<number[]> {
  const until = Date.now() + req.timeoutMs;
  while ((arrivals.get(req.index)?.length ?? 0) < sockets.length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return arrivals.get(req.index) ?? [];
}

async function handle(req: LoadRequest): Promise<unknown> {
  switch (req.kind) {
    case 'http': return openLoop(req);
    case 'mqtt-prepare': return prepare(req);
    case 'mqtt': return publishPrepared(req);
    case 'ws-open': return openClients(req);
    case 'ws-collect': return collect(req);
    case 'exit':
      for (const s of sockets) s.terminate();
      for (const c of fleet?.clients ?? []) void c.endAsync(true);
      setImmediate(() => process.exit(0));
      return null;
  }
}

if (process.send !== undefined) {
  process.on('message', (req: LoadRequest) => {
    handle(req).then(
      (result) => process.send!({ ok: true, result }),
      (e: unknown) => process.send!({ ok: false, error: (e as Error).message ?? String(e) }),
    );
  });
}

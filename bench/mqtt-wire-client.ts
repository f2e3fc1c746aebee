// A lean MQTT 3.1.1 device client for the load generators: a plain TCP socket, packets encoded and parsed by
// mqtt-packet (the codec mqtt.js and aedes use), QoS 1 publishes acknowledged by packet id, and a connection's writes
// of one tick leaving in one system call. It does only what a benchmark device does (CONNECT, PUBLISH at QoS 1,
// DISCONNECT) so that the load generator, which shares the machine's cores with the broker under test, takes as
// little of them as it can: mqtt.js spent about 37 µs of CPU per QoS 1 message here (outgoing store, stream
// writes per packet, its timers), most of a core at 10,000 messages/s.
import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/** The publishing side of a device connection: what mqtt.js's client and this one both offer the load generators. */
export interface BenchPublisher {
  readonly connected: boolean;
  publish(topic: string, payload: Buffer, opts: { qos: 1 }, cb: (err?: Error) => void): unknown;
  endAsync(force?: boolean): Promise<unknown>;
}

export interface WireConnectOptions {
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly connectTimeoutMs?: number;
}

class WireClient implements BenchPublisher {
  readonly #socket: Socket;
  readonly #pending = new Map<number, (err?: Error) => void>();
  #nextId = 0;
  #corked = false;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('close', () => {
      this.#closed = true;
      const err = new Error('connection closed');
      for (const cb of this.#pending.values()) cb(err);
      this.#pending.clear();
    });
  }

  get connected(): boolean {
    return !this.#closed;
  }

  /** Called by the parser for every packet after CONNACK. */
  onPacket(p: mqttPacket.Packet): void {
    if (p.cmd !== 'puback' || p.messageId === undefined) return;
    const cb = this.#pending.get(p.messageId);
    if (cb === undefined) return;
    this.#pending.delete(p.messageId);
    cb();
  }

  publish(topic: string, payload: Buffer, _opts: { qos: 1 }, cb: (err?: Error) => void): void {
    if (this.#closed) {
      queueMicrotask(() => cb(new Error('connection closed')));
      return;
    }
    if (this.#pending.size >= 65_535) throw new Error('no free packet id');
    do this.#nextId = (this.#nextId % 65_535) + 1;
    while (this.#pending.has(this.#nextId));
    this.#pending.set(this.#nextId, cb);
    this.#write(mqttPacket.generate({ cmd: 'publish', qos: 1, dup: false, retain: false, topic, payload, messageId: this.#nextId }));
  }

  /** Writes of one tick leave together (one system call per connection), as the gateway corks its PUBACKs. */
  #write(b: Buffer): void {
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(b);
  }

  async endAsync(force = false): Promise<void> {
    if (this.#closed) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    if (force) this.#socket.destroy();
    else this.#socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
    await closed;
  }
}

/**
 * Which client the devices use: `wire` (default), this lean client, so the load generator
 * leaves the cores to the broker under test; `mqttjs` (LH_BENCH_MQTT_CLIENT=mqttjs), mqtt.js as a device
 * application would use it (A/B).
 */
export type ClientKind = 'wire' | 'mqttjs';

export function clientKind(env: NodeJS.ProcessEnv = process.env): ClientKind {
  const v = env['LH_BENCH_MQTT_CLIENT'] ?? 'wire';
  if (v !== 'wire' && v !== 'mqttjs') throw new Error(`LH_BENCH_MQTT_CLIENT must be wire or mqttjs, not ${v}`);
  return v;
}

/** Opens a connection and resolves once the broker accepted it (CONNACK 0); any other outcome rejects. */
export function connectWire(port: number, o: WireConnectOptions): Promise<BenchPublisher> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port, host: '127.0.0.1', noDelay: true });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let client: WireClient | undefined;
    const fail = (err: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`${o.clientId}: no CONNACK within ${o.connectTimeoutMs ?? 60_000} ms`)), o.connectTimeoutMs ?? 60_000);
    parser.on('error', (err: Error) => fail(err));
    parser.on('packet', (p: mqttPacket.Packet) => {
      if (client !== undefined) {
        client.onPacket(p);
        return;
      }
      if (p.cmd !== 'connack') return fail(new Error(`${o.clientId}: expected CONNACK, got ${p.cmd}`));
      if (p.returnCode !== 0) return fail(new Error(`${o.clientId}: CONNACK ${p.returnCode}`));
      clearTimeout(timer);
      client = new WireClient(socket);
      resolve(client);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', (err) => (client === undefined ? fail(err) : undefined));
    socket.on('close', () => (client === undefined ? fail(new Error(`${o.clientId}: closed before CONNACK`)) : undefined));
    socket.write(mqttPacket.generate({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: o.clientId, keepalive: 0,
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: Buffer.from(o.password) }),
    }));
  });
}

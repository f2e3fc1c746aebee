// The embedded MQTT broker (aedes, in-process). Policy lives in aedes' hooks; telemetry is taken off the broker in
// authorizePublish, whose callback — and with it the PUBACK aedes writes next — is delayed until the intake has
// stored the reading durably. Telemetry is never forwarded to subscribers (authorizeForward drops it), so a flood
// never reaches aedes' fan-out. Every socket is read through a FrameGuard so no packet above the size limit is
// ever buffered, before or after authentication.
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import { countRejection, type GatewayStats } from '../gateway-stats.js';
import type { DeviceLookup } from '../verify/device-info.js';
import { checkDeviceConnect, type TokenCheck } from '../verify/device-token.js';
import type { VerifyFn } from '../verify/verify-message.js';
import { guardSocket } from './guarded-socket.js';
import type { MqttSource, Receive } from './mqtt-source.js';
import { TokenBuckets, type RateLimit } from './rate-limit.js';
import { parseTopic, publishDenied, subscribeAllowed } from './topics.js';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly tls?: { readonly keyFile: string; readonly certFile: string };
  /** Largest MQTT packet accepted; a larger one drops the connection. */
  readonly maxPacketBytes: number;
  readonly rate: RateLimit;
  readonly connectTimeoutMs?: number;
}

export interface EmbeddedBrokerDeps {
  readonly receive: Receive;
  readonly devices: DeviceLookup;
  /** Read a device the lookup did not know from the ledger (its registration may not have reached the lookup yet). */
  readonly refreshDevice?: (id: string) => Promise<unknown>;
  readonly clock: Clock;
  readonly verify: VerifyFn;
  readonly stats: GatewayStats;
  readonly logger: Logger;
  /** Monotonic milliseconds for rate limiting (defaults to performance.now). */
  readonly monotonicMs?: () => number;
}

export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`MQTT port ${port} on ${host} is already in use (perhaps by Mosquitto). Set LH_MQTT_PORT to a free port, or 0 for any free port.`);
    this.name = 'PortInUseError';
  }
}

/**
 * Ledger lookups of unknown devices in flight at once; beyond it an unknown device is refused without one, so a flood
 * of CONNECTs under made-up ids cannot turn into as many database reads.
 */
export const MAX_DEVICE_LOOKUPS = 16;

function refusal(returnCode: 2 | 4 | 5, reason: string): AuthenticateError {
  return Object.assign(new Error(reason), { returnCode }) as AuthenticateError;
}

export async function startEmbeddedBroker(deps: EmbeddedBrokerDeps, opts: EmbeddedBrokerOptions): Promise<MqttSource> {
  const { stats, logger } = deps;
  const now = deps.monotonicMs ?? (() => performance.now());
  const buckets = new TokenBuckets(opts.rate);
  const connectIds = new WeakMap<Client, string>();
  let lookups = 0;

  const broker = await Aedes.createBroker({
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    preConnect(client, packet, callback) {
      connectIds.set(client, packet.clientId); // aedes replaces an empty id by a random one before authenticate
      callback(null, true);
    },
    authenticate(client, username, password, callback) {
      const attempt = { clientId: connectIds.get(client) ?? client.id, username, password };
      const decide = (): TokenCheck => checkDeviceConnect(attempt, deps.devices, deps.clock.now(), deps.verify);
      const first = decide();
      const lookUp = first.ok || first.unknownDevice !== true || username === undefined || lookups >= MAX_DEVICE_LOOKUPS ? undefined : deps.refreshDevice;
      if (lookUp === undefined) return answer(client, first, callback);
      lookups++;
      lookUp(username!).then(() => answer(client, decide(), callback), (e: unknown) => {
        logger.error({ err: e, client: client.id }, 'device lookup in the ledger failed');
        answer(client, first, callback);
      }).finally(() => lookups--);
    },
    authorizePublish(client, packet, callback) {
      if (client === null) return callback(new Error('no client'));
      void authorizePublish(client, packet).then((err) => callback(err), (e: unknown) => callback(e as Error));
    },
    authorizeSubscribe(client: Client, sub: Subscription, callback) {
      const d = deps.devices(client.id);
      if (d !== undefined && subscribeAllowed(d.id, d.warehouse, sub.topic)) return callback(null, sub);
      stats.subscribeDenied++;
      callback(null, null); // SUBACK 0x80 for this filter [MQTT-3.9.3]
    },
    authorizeForward(_client, packet) {
      return parseTopic(packet.topic) === undefined ? packet : null; // telemetry is never fanned out
    },
  });

  function answer(client: Client, check: TokenCheck, callback: (err: AuthenticateError | null, ok: boolean | null) => void): void {
    if (check.ok) return callback(null, true);
    stats.connectRefused[`${check.returnCode}`] = (stats.connectRefused[`${check.returnCode}`] ?? 0) + 1;
    logger.info({ client: client.id, returnCode: check.returnCode, reason: check.reason }, 'MQTT connection refused'); // [MQTT-3.2.2-5]
    callback(refusal(check.returnCode, check.reason), null);
  }

  async function authorizePublish(client: Client, packet: PublishPacket): Promise<Error | null> {
    const d = deps.devices(client.id);
    if (d === undefined || d.status !== 'active') {
      countRejection(stats, 'DEVICE_REVOKED');
      return new Error(`device '${client.id}' is not active`);
    }
    const denied = publishDenied(d.id, d.warehouse, packet.topic);
    if (denied !== undefined) {
      stats.aclDenied++;
      return new Error(denied); // [MQTT-3.3.5-2] not authorized: close the connection
    }
    packet.retain = false; // telemetry is never retained by the broker
    if (!buckets.take(d.id, now())) {
      countRejection(stats, 'RATE_LIMITED');
      return packet.qos === 0 ? null : new Error(`device '${d.id}' exceeds ${opts.rate.perSecond} msg/s`);
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const outcome = await deps.receive(packet.topic, payload);
    if (outcome.action === 'ack') return null; // aedes now writes PUBACK: the reading is durable
    if (outcome.action === 'retry' && packet.qos === 0) return null; // QoS 0 has no retransmission: dropped
    return new Error(`${outcome.code}: ${outcome.detail}`);
  }

  broker.on('clientError', (client, err) => logger.debug({ client: client.id, err: err.message }, 'MQTT client closed'));
  broker.on('connectionError', (_client, err) => logger.debug({ err: err.message }, 'MQTT connection error'));
  broker.on('clientDisconnect', (client) => buckets.forget(client.id));

  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    broker.handle(guardSocket(socket, opts.maxPacketBytes, (v) => {
      stats.oversizePackets++;
      logger.info({ remote: socket.remoteAddress, reason: v.ok ? '' : v.reason }, 'MQTT packet above the size limit: connection dropped');
    }));
  };
  const server: Server = opts.tls
    ? createTlsServer({ key: readFileSync(opts.tls.keyFile), cert: readFileSync(opts.tls.certFile) }, onSocket)
    : createNetServer(onSocket);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => resolve());
    });
  } catch (e) {
    await new Promise<void>((r) => broker.close(() => r()));
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(opts.host, opts.port);
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const clients = (broker as unknown as { clients: Record<string, Client | undefined> }).clients;

  return {
    port,
    disconnect(deviceId) {
      clients[deviceId]?.close();
    },
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

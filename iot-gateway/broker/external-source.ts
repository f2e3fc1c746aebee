// External broker mode: the gateway is an MQTT client (mqtt.js) of a broker cluster (Mosquitto, EMQX). It holds a
// persistent session (clean start off, long session expiry) with a shared subscription, so several gateways split
// the load and messages published while a gateway is away wait for it. Acknowledgements are manual
// (customHandleAcks): PUBACK only after the intake stored the reading. Device authentication belongs to the broker
// here, so the gateway still verifies every signature and refuses unknown devices.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { RejectionCode } from '../formats/rejection.js';
import type { MqttSource, Receive } from './mqtt-source.js';
import { INTAKE_FILTER } from './topics.js';

export interface ExternalSourceOptions {
  /** mqtt://host:port or mqtts://host:port. */
  readonly url: string;
  /** Stable across restarts: the broker keeps the session (and queued messages) under it. */
  readonly clientId: string;
  /** Shared-subscription group; gateways in one group split the messages. */
  readonly shareGroup: string;
  readonly username?: string;
  readonly password?: string;
  /** How long the broker keeps the session while the gateway is away, seconds. Default 7 days. */
  readonly sessionExpirySeconds?: number;
  /** MQTT sessions this gateway holds in the group (readings in flight at once). Default DEFAULT_EXTERNAL_SESSIONS. */
  readonly sessions?: number;
}

/** MQTT 5 PUBACK reason codes (§3.4.2.1) for messages acknowledged but refused. */
function reasonCode(code: RejectionCode): number {
  if (code === 'TELEMETRY_MALFORMED' || code === 'TELEMETRY_SCHEMA' || code === 'TELEMETRY_TOO_LARGE') return 0x99; // payload format invalid
  if (code === 'TIME_SKEW' || code === 'KIND_NOT_ALLOWED') return 0x83; // implementation specific error
  return 0x87; // not authorized: unknown or revoked device, bad signature, topic mismatch
}

/** Sessions per gateway by default: acknowledgements are per session and in order, so one session is one reading in flight. */
export const DEFAULT_EXTERNAL_SESSIONS = 8;

/**
 * Subscribe `sessions` persistent MQTT sessions to the shared subscription. mqtt.js processes a session's incoming
 * packets one at a time and holds the next until the PUBACK of the current one is sent, and the PUBACK waits for
 * the durable store: one session therefore stores one reading per round trip to the store. The broker spreads the
 * group's messages over every session (of every gateway), so N sessions keep N readings in flight, which the
 * intake and the store can then commit together.
 */
export async function startExternalSource(
  receive: Receive,
  logger: Logger,
  opts: ExternalSourceOptions,
): Promise<MqttSource> {
  const count = opts.sessions ?? DEFAULT_EXTERNAL_SESSIONS;
  if (!Number.isSafeInteger(count) || count < 1 || count > 256) throw new RangeError(`sessions must be an integer in 1..256, got ${count}`);
  const sessions: Session[] = [];
  try {
    for (let i = 0; i < count; i++) {
      // Session 0 keeps the gateway's client id, so a deployment that ran with one session resumes its queue.
      sessions.push(await startSession(receive, logger, opts, i === 0 ? opts.clientId : `${opts.clientId}.${i}`));
    }
  } catch (e) {
    await Promise.all(sessions.map((s) => s.close()));
    throw e;
  }
  logger.info({ url: opts.url, clientId: opts.clientId, sessions: count, group: opts.shareGroup }, 'subscribed to the external MQTT broker');
  return {
    port: 0,
    disconnect: () => undefined, // device sessions belong to the external broker
    async close() {
      await Promise.all(sessions.map((s) => s.close()));
    },
  };
}

interface Session {
  close(): Promise<void>;
}

async function startSession(receive: Receive, logger: Logger, opts: ExternalSourceOptions, clientId: string): Promise<Session> {
  let client: MqttClient | undefined;
  let forcing = false;
  /** A reading not stored for a passing reason: drop the connection so the broker redelivers [MQTT-4.4.0-1]. */
  const forceRedelivery = (): void => {
    if (forcing || client === undefined) return;
    forcing = true;
    setTimeout(() => {
      forcing = false;
      client?.stream.destroy();
    }, 100).unref();
  };
  client = await mqtt.connectAsync(opts.url, {
    clientId, clean: false, protocolVersion: 5, reconnectPeriod: 1000, connectTimeout: 10_000,
    properties: { sessionExpiryInterval: opts.sessionExpirySeconds ?? 7 * 86_400 }, // MQTT 5 §3.1.2.11.2
    ...(opts.username === undefined ? {} : { username: opts.username, password: opts.password ?? '' }),
    customHandleAcks(topic, message, _packet, done) {
      receive(topic, message).then((o) => {
        if (o.action === 'ack') return done(o.status === 'rejected' ? reasonCode(o.code) : 0);
        if (o.action === 'disconnect') return done(reasonCode(o.code)); // the device is the broker's to disconnect
        logger.warn({ topic, code: o.code, clientId }, 'reading not stored; no PUBACK, forcing redelivery');
        forceRedelivery();
      }, (e: unknown) => {
        logger.error({ err: e, topic }, 'intake failed; no PUBACK');
        forceRedelivery();
      });
    },
  });
  const c = client;
  c.on('message', (topic, message, packet) => {
    if (packet.qos === 0) void receive(topic, message); // QoS 0: no acknowledgement to hold back
  });
  c.on('error', (e) => logger.warn({ err: e.message }, 'external MQTT broker error'));
  c.on('connect', () => {
    c.subscribe(`$share/${opts.shareGroup}/${INTAKE_FILTER}`, { qos: 1 }, (e) => {
      if (e) logger.error({ err: e.message }, 'shared subscription refused');
    });
  });
  await c.subscribeAsync(`$share/${opts.shareGroup}/${INTAKE_FILTER}`, { qos: 1 });
  return {
    async close() {
      client = undefined;
      await c.endAsync();
    },
  };
}

// The one place that reads the environment (STYLE.md §5). Every setting has a default, a doc line, and a row in
// the README's configuration table (a test keeps the two in step). Fails fast naming the variable.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

export interface Config {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly mqttHost: string;
  readonly mqttPort: number;
  readonly mqttUrl: string | undefined;
  readonly mqttSessions: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly role: Role;
  readonly gatewayThread: boolean;
  readonly workerNice: number;
  readonly tokenCacheMs: number;
  readonly webhookLeaseMs: number;
  readonly origin: string;
  readonly publicUrl: string | undefined;
  readonly demo: boolean;
  readonly logLevel: string;
  readonly batchMs: number;
  readonly batchMax: number;
  readonly mqttTlsCert: string | undefined;
  readonly mqttTlsKey: string | undefined;
  readonly deviceRate: number;
  readonly deviceBurst: number;
  readonly telemetryQueue: number;
  readonly groupCommitMs: number;
  readonly telemetryMaxFutureMs: number;
  readonly telemetryMaxAgeMs: number;
  readonly streamHeartbeatMs: number;
  readonly streamMaxClients: number;
  readonly streamMaxMessageBytes: number;
  readonly streamMaxBufferedBytes: number;
  readonly streamMaxQueued: number;
  readonly streamMaxStallMs: number;
  readonly webhookTimeoutMs: number;
  readonly webhookMaxAttempts: number;
  readonly webhookRetryBaseMs: number;
  readonly webhookRetryMaxMs: number;
  readonly webhookMaxPerParty: number;
  readonly webhookAllowHttp: boolean;
  readonly webhookAllowHosts: readonly string[];
}

/** all: one node does everything · api: a stateless API instance · gateway: telemetry intake only. */
export const ROLES = ['all', 'api', 'gateway'] as const;
export type Role = (typeof ROLES)[number];
const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

interface Setting {
  readonly env: string;
  readonly default: string;
  readonly doc: string;
}

/** LH_MQTT_SESSIONS: 1..256 (each is a connection to the broker). */
function sessions(env: Env): number {
  const n = positive(env, 'mqttSessions');
  if (n > 256) throw new ConfigError(`LH_MQTT_SESSIONS=${n}: expected at most 256`);
  return n;
}

function nice(env: Env): number {
  const s = raw(env, 'workerNice');
  const n = /^\d{1,2}$/.test(s) ? Number(s) : Number.NaN;
  if (!(n >= 0 && n <= 19)) throw new ConfigError(`LH_WORKER_NICE=${s}: expected an integer 0..19`);
  return n;
}

/** LH_GROUP_COMMIT_MS: 0..1000 (a longer wait would hold PUBACKs past what devices wait for). */
function groupCommit(env: Env): number {
  const n = nonNegative(env, 'groupCommitMs');
  if (n > 1000) throw new ConfigError(`LH_GROUP_COMMIT_MS=${n}: expected at most 1000`);
  return n;
}

/** The configuration table. Order = README order. */
export const SETTINGS = {
  httpHost: { env: 'LH_HTTP_HOST', default: '127.0.0.1', doc: 'Address the HTTP/WebSocket server listens on.' },
  httpPort: { env: 'LH_HTTP_PORT', default: '8080', doc: 'HTTP/WebSocket port (0 = any free port).' },
  mqttHost: { env: 'LH_MQTT_HOST', default: '127.0.0.1', doc: 'Address the embedded MQTT broker listens on.' },
  mqttPort: { env: 'LH_MQTT_PORT', default: '1883', doc: 'Embedded MQTT broker port (0 = any free port). Pick another if 1883 is taken, e.g. by Mosquitto.' },
  mqttUrl: { env: 'LH_MQTT_URL', default: '', doc: 'External broker URL (mqtt://host:port). Set it to use an external broker instead of the embedded one.' },
  mqttSessions: { env: 'LH_MQTT_SESSIONS', default: '8', doc: 'With LH_MQTT_URL: MQTT sessions this gateway holds in the shared subscription. A session has one reading in flight (PUBACK waits for the store), so this bounds the readings stored together. 1..256.' },
  dataDir: { env: 'LH_DATA_DIR', default: './data', doc: 'Directory for the SQLite database and the generated keys.' },
  databaseUrl: { env: 'LH_DATABASE_URL', default: '', doc: 'postgres://… to use PostgreSQL instead of SQLite.' },
  role: { env: 'LH_ROLE', default: 'all', doc: 'What this instance runs: all (API and gateway), api (HTTP, WebSocket, webhooks; no broker or gateway), gateway (MQTT intake and anchoring; no HTTP). Several api instances need LH_DATABASE_URL.' },
  gatewayThread: { env: 'LH_GATEWAY_THREAD', default: 'true', doc: 'With LH_ROLE=all: run the telemetry gateway (broker, signature checks, telemetry store, anchoring) in its own worker thread, so that MQTT intake does not queue HTTP and WebSocket work on the API\'s event loop (see BENCHMARKS.md, server-collateral). false runs it on the API\'s event loop.' },
  workerNice: { env: 'LH_WORKER_NICE', default: '10', doc: 'Linux: nice value (0..19) of the node\'s background worker threads — signature verification and the telemetry writer — so that the event loop serving HTTP, WebSocket and MQTT gets a core first when the cores are busy. 0 runs them at the node\'s own priority.' },
  tokenCacheMs: { env: 'LH_TOKEN_CACHE_MS', default: '1000', doc: 'How long an API token that authenticated is remembered, ms: within it, its requests skip the token and party lookups, so a revocation or a party that stops being active takes effect within this long (expiry is checked on every request). 0 looks both up on every request.' },
  webhookLeaseMs: { env: 'LH_WEBHOOK_LEASE_MS', default: '15000', doc: 'With PostgreSQL: how long an instance holds a webhook without renewing; a dead instance\'s webhooks move to another after this.' },
  origin: { env: 'LH_ORIGIN', default: 'ledgerhouse.local/log', doc: 'Log origin: first line of every checkpoint and the name of the log key.' },
  publicUrl: { env: 'LH_PUBLIC_URL', default: '', doc: 'Base URL printed and embedded in QR codes (defaults to http://host:port).' },
  demo: { env: 'LH_DEMO', default: 'true', doc: 'Seed demo parties, receipts and a pledge into an empty log on start.' },
  logLevel: { env: 'LH_LOG_LEVEL', default: 'info', doc: 'Log level: fatal, error, warn, info, debug, trace, silent.' },
  batchMs: { env: 'LH_BATCH_MS', default: '500', doc: 'Telemetry batch period in ms before a batch root is anchored: a reading reaches a signed checkpoint about this long plus one commit after it is stored.' },
  batchMax: { env: 'LH_BATCH_MAX', default: '10000', doc: 'Most readings in one anchored telemetry batch.' },
  mqttTlsCert: { env: 'LH_MQTT_TLS_CERT', default: '', doc: 'PEM certificate (chain) file: the embedded broker then speaks only mqtts on LH_MQTT_PORT. Set together with LH_MQTT_TLS_KEY.' },
  mqttTlsKey: { env: 'LH_MQTT_TLS_KEY', default: '', doc: 'PEM private key file of LH_MQTT_TLS_CERT (keep it mode 0600).' },
  deviceRate: { env: 'LH_DEVICE_RATE', default: '50', doc: 'Messages per second one device may publish to the embedded broker on average; beyond it QoS 0 is dropped and QoS 1 is disconnected without PUBACK.' },
  deviceBurst: { env: 'LH_DEVICE_BURST', default: '200', doc: 'Messages one device may publish in a burst above LH_DEVICE_RATE.' },
  groupCommitMs: { env: 'LH_GROUP_COMMIT_MS', default: '5', doc: 'Group commit delay, ms: how long a telemetry message may wait for others to join its store write while the store is idle (each write costs an fsync and about the same CPU whatever it carries; a full group of 2,000 readings goes at once). Adds up to this much to PUBACK latency; 0 writes at once; at most 1000.' },
  telemetryQueue: { env: 'LH_TELEMETRY_QUEUE', default: '20000', doc: 'Most readings waiting for the telemetry store; beyond it messages are refused as OVERLOADED (no PUBACK, the device resends).' },
  telemetryMaxFutureMs: { env: 'LH_TELEMETRY_MAX_FUTURE_MS', default: '60000', doc: 'How far ahead of the gateway clock a reading time may be (device clock drift), ms; beyond it TIME_SKEW.' },
  telemetryMaxAgeMs: { env: 'LH_TELEMETRY_MAX_AGE_MS', default: '86400000', doc: 'How old a reading may be when it arrives (devices buffer while offline), ms; older ones are refused as TIME_SKEW.' },
  streamHeartbeatMs: { env: 'LH_STREAM_HEARTBEAT_MS', default: '30000', doc: 'WebSocket ping period in ms; a client that has not answered the previous ping is dropped, and its token is re-checked on each beat.' },
  streamMaxClients: { env: 'LH_STREAM_MAX_CLIENTS', default: '10000', doc: 'Most concurrent WebSocket clients; beyond it an upgrade answers 503 STREAM_FULL.' },
  streamMaxMessageBytes: { env: 'LH_STREAM_MAX_MESSAGE_BYTES', default: '4096', doc: 'Largest message a WebSocket client may send; larger ones close the connection with 1009.' },
  streamMaxBufferedBytes: { env: 'LH_STREAM_MAX_BUFFERED_BYTES', default: '1048576', doc: 'Bytes a slow WebSocket consumer may leave unread before it is closed (4008); sending pauses at a quarter of it (at most 256 KiB).' },
  streamMaxQueued: { env: 'LH_STREAM_MAX_QUEUED', default: '10000', doc: 'Events queued for one paused WebSocket client before it is closed as too slow.' },
  streamMaxStallMs: { env: 'LH_STREAM_MAX_STALL_MS', default: '30000', doc: 'How long a WebSocket client may stay above the send pause mark before it is closed as too slow.' },
  webhookTimeoutMs: { env: 'LH_WEBHOOK_TIMEOUT_MS', default: '10000', doc: 'Time a webhook receiver has to answer one delivery attempt (ms).' },
  webhookMaxAttempts: { env: 'LH_WEBHOOK_MAX_ATTEMPTS', default: '10', doc: 'Attempts per webhook delivery (the first included); after the last failure the webhook pauses until replayed.' },
  webhookRetryBaseMs: { env: 'LH_WEBHOOK_RETRY_BASE_MS', default: '1000', doc: 'Backoff step before the second attempt (ms); it doubles after each failure, with jitter.' },
  webhookRetryMaxMs: { env: 'LH_WEBHOOK_RETRY_MAX_MS', default: '300000', doc: 'Longest backoff step (ms), also the cap on a receiver\'s Retry-After.' },
  webhookMaxPerParty: { env: 'LH_WEBHOOK_MAX_PER_PARTY', default: '20', doc: 'Most webhooks one party may register.' },
  webhookAllowHttp: { env: 'LH_WEBHOOK_ALLOW_HTTP', default: 'false', doc: 'Allow plain http:// webhook URLs (development only; https is required otherwise).' },
  webhookAllowHosts: { env: 'LH_WEBHOOK_ALLOW_HOSTS', default: '', doc: 'Comma-separated host names, IP addresses or CIDR ranges webhooks may target although internal (loopback, private, link-local…), e.g. `hooks.internal,10.20.0.0/16`.' },
} as const satisfies Record<keyof Config, Setting>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, key: keyof Config): string {
  const s = SETTINGS[key];
  return env[s.env] ?? s.default;
}

function port(env: Env, key: keyof Config): number {
  const value = raw(env, key);
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`${SETTINGS[key].env}=${value}: expected a port number 0–65535`);
  return n;
}

function positive(env: Env, key: keyof Config): number {
  const value = raw(env, key);
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new ConfigError(`${SETTINGS[key].env}=${value}: expected a positive integer`);
  return n;
}

function nonNegative(env: Env, key: keyof Config): number {
  const value = raw(env, key);
  if (!/^\d{1,9}$/.test(value)) throw new ConfigError(`${SETTINGS[key].env}=${value}: expected a non-negative integer`);
  return Number(value);
}

function bool(env: Env, key: keyof Config): boolean {
  const value = raw(env, key).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${SETTINGS[key].env}=${value}: expected true or false`);
}

const optional = (s: string): string | undefined => (s === '' ? undefined : s);

/** A PEM file that must exist and be readable now, so a bad path fails at start naming the variable. */
function pemFile(env: Env, key: 'mqttTlsCert' | 'mqttTlsKey'): string | undefined {
  const file = optional(raw(env, key));
  if (file === undefined) return undefined;
  const name = SETTINGS[key].env;
  let text: string;
  try {
    text = readFileSync(path.resolve(file), 'utf8');
  } catch (e) {
    throw new ConfigError(`${name}=${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`${name}=${file}: the file is not PEM (no -----BEGIN line)`);
  return path.resolve(file);
}

/** mqtts for the embedded broker: certificate and key together, or neither. */
function mqttTls(env: Env, mqttUrl: string | undefined): { mqttTlsCert: string | undefined; mqttTlsKey: string | undefined } {
  const mqttTlsCert = pemFile(env, 'mqttTlsCert');
  const mqttTlsKey = pemFile(env, 'mqttTlsKey');
  if ((mqttTlsCert === undefined) !== (mqttTlsKey === undefined)) {
    throw new ConfigError(`${mqttTlsCert === undefined ? 'LH_MQTT_TLS_CERT' : 'LH_MQTT_TLS_KEY'}: must be set together with ${mqttTlsCert === undefined ? 'LH_MQTT_TLS_KEY' : 'LH_MQTT_TLS_CERT'}`);
  }
  if (mqttTlsCert !== undefined && mqttUrl !== undefined) {
    throw new ConfigError('LH_MQTT_TLS_CERT: applies to the embedded broker only; with LH_MQTT_URL use an mqtts:// URL instead');
  }
  return { mqttTlsCert, mqttTlsKey };
}

/** A comma-separated list of host names, IP addresses or CIDR ranges. */
function hostList(env: Env, key: keyof Config): string[] {
  const entries = raw(env, key).split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const entry of entries) {
    const [host, bits, extra] = entry.split('/');
    const max = isIP(host ?? '') === 6 ? 128 : 32;
    const cidrOk = bits === undefined || (isIP(host ?? '') !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (extra !== undefined || !cidrOk || (isIP(host ?? '') === 0 && !/^[a-z0-9.-]+$/i.test(host ?? ''))) {
      throw new ConfigError(`${SETTINGS[key].env}: '${entry}' is neither a host name, an IP address nor a CIDR range`);
    }
  }
  return entries;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const origin = raw(env, 'origin');
  if (!/^[\x21-\x7e]+$/.test(origin) || origin.includes('+')) {
    throw new ConfigError(`LH_ORIGIN=${origin}: expected printable ASCII without spaces or '+'`);
  }
  const logLevel = raw(env, 'logLevel');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LH_LOG_LEVEL=${logLevel}: expected one of fatal, error, warn, info, debug, trace, silent`);
  }
  const databaseUrl = optional(raw(env, 'databaseUrl'));
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`LH_DATABASE_URL: expected a postgres:// URL`);
  }
  const role = raw(env, 'role');
  if (!isRole(role)) throw new ConfigError(`LH_ROLE=${role}: expected one of ${ROLES.join(', ')}`);
  const mqttUrl = optional(raw(env, 'mqttUrl'));
  if (mqttUrl !== undefined && !/^mqtts?:\/\//.test(mqttUrl)) throw new ConfigError(`LH_MQTT_URL: expected mqtt:// or mqtts://`);
  if (positive(env, 'webhookRetryBaseMs') > positive(env, 'webhookRetryMaxMs')) {
    throw new ConfigError(`LH_WEBHOOK_RETRY_BASE_MS: must not exceed LH_WEBHOOK_RETRY_MAX_MS (${raw(env, 'webhookRetryMaxMs')})`);
  }
  return Object.freeze({
    httpHost: raw(env, 'httpHost'),
    httpPort: port(env, 'httpPort'),
    mqttHost: raw(env, 'mqttHost'),
    mqttPort: port(env, 'mqttPort'),
    mqttUrl,
    mqttSessions: sessions(env),
    dataDir: path.resolve(raw(env, 'dataDir')),
    databaseUrl,
    role,
    gatewayThread: bool(env, 'gatewayThread'),
    workerNice: nice(env),
    tokenCacheMs: nonNegative(env, 'tokenCacheMs'),
    webhookLeaseMs: positive(env, 'webhookLeaseMs'),
    origin,
    publicUrl: optional(raw(env, 'publicUrl')),
    demo: bool(env, 'demo'),
    logLevel,
    batchMs: positive(env, 'batchMs'),
    batchMax: positive(env, 'batchMax'),
    ...mqttTls(env, mqttUrl),
    deviceRate: positive(env, 'deviceRate'),
    deviceBurst: positive(env, 'deviceBurst'),
    telemetryQueue: positive(env, 'telemetryQueue'),
    groupCommitMs: groupCommit(env),
    telemetryMaxFutureMs: positive(env, 'telemetryMaxFutureMs'),
    telemetryMaxAgeMs: positive(env, 'telemetryMaxAgeMs'),
    streamHeartbeatMs: positive(env, 'streamHeartbeatMs'),
    streamMaxClients: positive(env, 'streamMaxClients'),
    streamMaxMessageBytes: positive(env, 'streamMaxMessageBytes'),
    streamMaxBufferedBytes: positive(env, 'streamMaxBufferedBytes'),
    streamMaxQueued: positive(env, 'streamMaxQueued'),
    streamMaxStallMs: positive(env, 'streamMaxStallMs'),
    webhookTimeoutMs: positive(env, 'webhookTimeoutMs'),
    webhookMaxAttempts: positive(env, 'webhookMaxAttempts'),
    webhookRetryBaseMs: positive(env, 'webhookRetryBaseMs'),
    webhookRetryMaxMs: positive(env, 'webhookRetryMaxMs'),
    webhookMaxPerParty: positive(env, 'webhookMaxPerParty'),
    webhookAllowHttp: bool(env, 'webhookAllowHttp'),
    webhookAllowHosts: hostList(env, 'webhookAllowHosts'),
    ...overrides,
  });
}

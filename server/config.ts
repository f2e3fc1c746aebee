// The one place that reads the environment (STYLE.md §5). Every setting has a default, a doc line, and a row in
// the README's configuration table (a test keeps the two in step). Fails fast naming the variable.
import path from 'node:path';

export interface Config {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly mqttHost: string;
  readonly mqttPort: number;
  readonly mqttUrl: string | undefined;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly origin: string;
  readonly publicUrl: string | undefined;
  readonly demo: boolean;
  readonly logLevel: string;
  readonly batchMs: number;
  readonly batchMax: number;
}

interface Setting {
  readonly env: string;
  readonly default: string;
  readonly doc: string;
}

/** The configuration table. Order = README order. */
export const SETTINGS = {
  httpHost: { env: 'LH_HTTP_HOST', default: '127.0.0.1', doc: 'Address the HTTP/WebSocket server listens on.' },
  httpPort: { env: 'LH_HTTP_PORT', default: '8080', doc: 'HTTP/WebSocket port (0 = any free port).' },
  mqttHost: { env: 'LH_MQTT_HOST', default: '127.0.0.1', doc: 'Address the embedded MQTT broker listens on.' },
  mqttPort: { env: 'LH_MQTT_PORT', default: '1883', doc: 'Embedded MQTT broker port (0 = any free port). Pick another if 1883 is taken, e.g. by Mosquitto.' },
  mqttUrl: { env: 'LH_MQTT_URL', default: '', doc: 'External broker URL (mqtt://host:port). Set it to use an external broker instead of the embedded one.' },
  dataDir: { env: 'LH_DATA_DIR', default: './data', doc: 'Directory for the SQLite database and the generated keys.' },
  databaseUrl: { env: 'LH_DATABASE_URL', default: '', doc: 'postgres://… to use PostgreSQL instead of SQLite.' },
  origin: { env: 'LH_ORIGIN', default: 'ledgerhouse.local/log', doc: 'Log origin: first line of every checkpoint and the name of the log key.' },
  publicUrl: { env: 'LH_PUBLIC_URL', default: '', doc: 'Base URL printed and embedded in QR codes (defaults to http://host:port).' },
  demo: { env: 'LH_DEMO', default: 'true', doc: 'Seed demo parties, receipts and a pledge into an empty log on start.' },
  logLevel: { env: 'LH_LOG_LEVEL', default: 'info', doc: 'Log level: fatal, error, warn, info, debug, trace, silent.' },
  batchMs: { env: 'LH_BATCH_MS', default: '1000', doc: 'Telemetry batch period in ms before a batch root is anchored.' },
  batchMax: { env: 'LH_BATCH_MAX', default: '10000', doc: 'Most readings in one anchored telemetry batch.' },
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

function bool(env: Env, key: keyof Config): boolean {
  const value = raw(env, key).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${SETTINGS[key].env}=${value}: expected true or false`);
}

const optional = (s: string): string | undefined => (s === '' ? undefined : s);

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
  const mqttUrl = optional(raw(env, 'mqttUrl'));
  if (mqttUrl !== undefined && !/^mqtts?:\/\//.test(mqttUrl)) throw new ConfigError(`LH_MQTT_URL: expected mqtt:// or mqtts://`);
  return Object.freeze({
    httpHost: raw(env, 'httpHost'),
    httpPort: port(env, 'httpPort'),
    mqttHost: raw(env, 'mqttHost'),
    mqttPort: port(env, 'mqttPort'),
    mqttUrl,
    dataDir: path.resolve(raw(env, 'dataDir')),
    databaseUrl,
    origin,
    publicUrl: optional(raw(env, 'publicUrl')),
    demo: bool(env, 'demo'),
    logLevel,
    batchMs: positive(env, 'batchMs'),
    batchMax: positive(env, 'batchMax'),
    ...overrides,
  });
}

// JSON Schema (2020-12) of every telemetry message, compiled once with ajv. The schema is the contract with device
// makers: closed objects (no extra fields: they would sit unsigned-looking under a signature), bounded strings,
// numbers and arrays, so a message that validates is cheap to store and to canonicalise.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { CHOSEN_ID_PATTERN } from '../../contracts/ids.js';
import { UTC_TIME_PATTERN } from '../../contracts/time.js';
import { LIMITS, type TelemetryMessage } from './telemetry-message.js';

type Schema = Record<string, unknown>;

const closed = (properties: Schema, required: string[] = Object.keys(properties)): Schema => ({
  type: 'object', properties, required, additionalProperties: false,
});
const numberIn = (minimum: number, maximum: number): Schema => ({ type: 'number', minimum, maximum });
const intIn = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const utcTime: Schema = { type: 'string', pattern: UTC_TIME_PATTERN, maxLength: 40 };
const kindIs = (k: string): Schema => ({ const: k });

const VALUES: Record<string, Schema> = {
  'load-cell': closed({ kg: numberIn(-1e9, 1e9) }), // a tared cell may read slightly negative
  rfid: closed({ count: intIn(0, 1e9) }),
  temperature: closed({ c: numberIn(-100, 200) }),
  humidity: closed({ pct: numberIn(0, 100) }),
  door: closed({ state: { enum: ['open', 'closed'] } }),
  gps: closed({ lat: numberIn(-90, 90), lon: numberIn(-180, 180) }),
};

const SEGMENT = closed({
  sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  durationMs: intIn(1, 3_600_000),
  start: utcTime,
  uri: { type: 'string', minLength: 1, maxLength: LIMITS.maxUriLength },
}, ['sha256', 'durationMs', 'start']);

const STATUS = closed({
  state: { enum: ['online', 'degraded', 'offline'] },
  uptimeS: intIn(0, 1e10),
  batteryPct: numberIn(0, 100),
  firmware: { type: 'string', minLength: 1, maxLength: LIMITS.maxFirmwareLength },
  rssiDbm: numberIn(-200, 50),
}, ['state']);

const HEAD: Schema = {
  device: { type: 'string', pattern: CHOSEN_ID_PATTERN },
  seq: intIn(0, LIMITS.maxSeq),
  ts: utcTime,
};
const SIG: Schema = { type: 'string', minLength: 86, maxLength: 88 }; // base64 of 64 bytes

/** One alternative per kind; `withDevice` false for items inside a batch, `withSig` false for batch items too. */
function readingVariants(withHead: 'full' | 'item', withSig: boolean): Schema[] {
  const head: Schema = withHead === 'full' ? HEAD : { seq: HEAD['seq'], ts: HEAD['ts'] };
  const sig: Schema = withSig ? { sig: SIG } : {};
  return [
    ...Object.entries(VALUES).map(([kind, values]) => closed({ ...head, kind: kindIs(kind), values, ...sig })),
    closed({ ...head, kind: kindIs('camera'), segment: SEGMENT, ...sig }),
    closed({ ...head, kind: kindIs('status'), status: STATUS, ...sig }),
  ];
}

const KINDS = [...Object.keys(VALUES), 'camera', 'status'];

export const READING_SCHEMA: Schema = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: KINDS } },
  discriminator: { propertyName: 'kind' },
  oneOf: readingVariants('full', true),
};

const ITEM_SCHEMA: Schema = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: KINDS } },
  discriminator: { propertyName: 'kind' },
  oneOf: readingVariants('item', false),
};

export const BATCH_SCHEMA: Schema = closed({
  device: HEAD['device'],
  kind: kindIs('batch'),
  readings: { type: 'array', minItems: 1, maxItems: LIMITS.maxBatchReadings, items: ITEM_SCHEMA },
  sig: SIG,
});

const ajv = new Ajv2020({ strict: true, allErrors: false, discriminator: true, coerceTypes: false, useDefaults: false });
const validateReading = ajv.compile(READING_SCHEMA);
const validateBatch = ajv.compile(BATCH_SCHEMA);

export type SchemaCheck = { ok: true; message: TelemetryMessage } | { ok: false; detail: string };

function describe(e: ErrorObject | undefined): string {
  if (e === undefined) return 'message is invalid';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${e.instancePath || '/'} has unexpected field '${String(params['additionalProperty'])}'`;
  if (e.keyword === 'required') return `${e.instancePath || '/'} is missing '${String(params['missingProperty'])}'`;
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
}

/** Validates a strictly parsed JSON value as a single reading or a batch. */
export function checkTelemetrySchema(value: unknown): SchemaCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, detail: 'message must be a JSON object' };
  const isBatch = (value as { kind?: unknown }).kind === 'batch';
  const validate = isBatch ? validateBatch : validateReading;
  if (validate(value)) return { ok: true, message: value as TelemetryMessage };
  return { ok: false, detail: describe(validate.errors?.[0]) };
}

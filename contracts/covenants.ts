// Pledge covenants: explicit, documented conditions the gateway's covenant monitor evaluates against
// readings. Contracts only check that they are well-formed and attainable. [COV-1]
import { fail, okValue, type Checked } from './errors.js';
import { formatQuantity, parseQuantity } from './quantity.js';
import { integer, list, num, object, oneOf, quantity, type JsonSchema } from './schema-parts.js';

/** A measured value must stay within [min, max]; a breach lasting longer than maxOutOfRangeSeconds alerts. */
export interface TemperatureCovenant { readonly minC: number; readonly maxC: number; readonly maxOutOfRangeSeconds: number }
export interface HumidityCovenant { readonly minPct: number; readonly maxPct: number; readonly maxOutOfRangeSeconds: number }
export interface LatLon { readonly lat: number; readonly lon: number }
/** GPS positions must stay inside the circle (metres, WGS 84) or polygon (vertices in order, implicitly closed). */
export type Geofence =
  | { readonly shape: 'circle'; readonly center: LatLon; readonly radiusM: number }
  | { readonly shape: 'polygon'; readonly points: readonly LatLon[] };
/** Longest allowed gap between two readings (camera segments, or any reading from the lot's devices). */
export interface GapCovenant { readonly maxGapSeconds: number }
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Door may be open only inside a window; times are local at `utcOffsetMinutes`, `from` < `to`, 'HH:MM'. */
export interface DoorHoursCovenant {
  readonly utcOffsetMinutes: number;
  readonly windows: readonly { readonly days: readonly (typeof WEEKDAYS)[number][]; readonly from: string; readonly to: string }[];
}

export interface Covenants {
  /** Measured quantity (load cells / RFID) must not fall below this, in the receipt's unit (canonical). */
  readonly quantityFloor?: string;
  readonly temperature?: TemperatureCovenant;
  readonly humidity?: HumidityCovenant;
  readonly geofence?: Geofence;
  readonly cameraHeartbeat?: GapCovenant;
  readonly deviceSilence?: GapCovenant;
  readonly doorHours?: DoorHoursCovenant;
}

const DAY_SECONDS = 86_400;
const latLon = object('A WGS 84 position', {
  lat: num('Latitude in degrees', -90, 90),
  lon: num('Longitude in degrees', -180, 180),
});
const hhmm = (d: string): JsonSchema => ({ type: 'string', description: `${d}, 'HH:MM' (00:00–24:00)`, pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', 'x-error-code': 'COVENANT_INVALID' });
const gap = (d: string): JsonSchema => object(d, { maxGapSeconds: integer('Longest allowed gap between readings, seconds', 1, 30 * DAY_SECONDS) });

export const COVENANTS_SCHEMA: JsonSchema = object('Conditions on the collateral, checked by the covenant monitor; all optional', {}, {
  quantityFloor: quantity('Alert when measured quantity falls below this, in the receipt\'s unit'),
  temperature: object('Temperature range', {
    minC: num('Lowest allowed temperature, °C', -100, 200),
    maxC: num('Highest allowed temperature, °C', -100, 200),
    maxOutOfRangeSeconds: integer('Longest tolerated excursion, seconds', 0, 30 * DAY_SECONDS),
  }),
  humidity: object('Relative humidity range', {
    minPct: num('Lowest allowed relative humidity, %', 0, 100),
    maxPct: num('Highest allowed relative humidity, %', 0, 100),
    maxOutOfRangeSeconds: integer('Longest tolerated excursion, seconds', 0, 30 * DAY_SECONDS),
  }),
  geofence: {
    description: 'Where the goods must stay: a circle or a polygon',
    oneOf: [
      object('Circle', {
        shape: oneOf('Discriminator', ['circle']),
        center: latLon,
        radiusM: num('Radius in metres', 1, 1_000_000),
      }),
      object('Polygon', {
        shape: oneOf('Discriminator', ['polygon']),
        points: { type: 'array', description: 'Vertices in order (implicitly closed)', items: latLon, minItems: 3, maxItems: 256 },
      }),
    ],
  },
  cameraHeartbeat: gap('Camera segments must keep arriving'),
  deviceSilence: gap('Every device watching the lot must keep reporting'),
  doorHours: object('When doors may be open', {
    utcOffsetMinutes: integer('Offset of local time from UTC, minutes', -840, 840),
    windows: {
      type: 'array', description: 'Allowed opening windows', minItems: 1, maxItems: 32,
      items: object('One window', {
        days: list('Days the window applies to', oneOf('Day of week', WEEKDAYS), 1, 7),
        from: hhmm('Window start'),
        to: hhmm('Window end'),
      }),
    },
  }),
});

/**
 * Checks covenants validated by COVENANTS_SCHEMA against the pledged quantity; returns them with the floor in
 * canonical form. `at` is the JSON pointer of the covenants object in the body.
 */
export function checkCovenants(c: Covenants, pledged: bigint, unit: string, at: string): Checked<Covenants> {
  if (c.temperature && c.temperature.minC >= c.temperature.maxC) return fail('COVENANT_INVALID', 'minC must be below maxC', `${at}/temperature`); // [COV-1]
  if (c.humidity && c.humidity.minPct >= c.humidity.maxPct) return fail('COVENANT_INVALID', 'minPct must be below maxPct', `${at}/humidity`); // [COV-1]
  const badWindow = c.doorHours?.windows.findIndex((w) => w.from >= w.to) ?? -1;
  if (badWindow >= 0) return fail('COVENANT_INVALID', 'a window must start before it ends', `${at}/doorHours/windows/${badWindow}`); // [COV-1]
  if (c.quantityFloor === undefined) return okValue(c);
  const floor = checkFloor(c.quantityFloor, pledged, unit, `${at}/quantityFloor`);
  return floor.ok ? okValue({ ...c, quantityFloor: floor.value }) : floor;
}

/** A floor in `unit` no higher than the pledged quantity, canonical. [COV-1] */
export function checkFloor(text: string, pledged: bigint, unit: string, field: string): Checked<string> {
  const q = parseQuantity(text, unit, field);
  if (!q.ok) return q;
  if (q.value > pledged) return fail('COVENANT_INVALID', 'quantity floor above the pledged quantity', field); // [COV-1]
  return okValue(formatQuantity(q.value, unit));
}

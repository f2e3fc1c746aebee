// Telemetry as the pages use it: one series point per reading, from `GET /v1/telemetry?device=&from=&to=` or from
// a live `reading` stream message. The REST answer is read tolerantly (a page of `readings` or `items`, each either
// the reading itself or a stored record `{id, record}`), since the route is young; anything unrecognised is skipped.
// Pure (no DOM).

/** What the charts plot. */
export type Metric = 'weight' | 'temperature' | 'humidity';

export interface Point {
  readonly device: string;
  /** Milliseconds since the epoch (device time). */
  readonly t: number;
  readonly metric: Metric;
  readonly value: number;
}

/** A reading's kind and values, as devices send them (iot-gateway/formats/telemetry-message.ts). */
export interface ReadingLike {
  readonly device?: unknown;
  readonly kind?: unknown;
  readonly ts?: unknown;
  readonly values?: unknown;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The plotted point of one reading, or undefined for readings that are not weight, temperature or humidity. */
export function pointOf(reading: ReadingLike, device?: string): Point | undefined {
  const dev = typeof reading.device === 'string' ? reading.device : device;
  const t = typeof reading.ts === 'string' ? Date.parse(reading.ts) : NaN;
  if (dev === undefined || Number.isNaN(t) || typeof reading.values !== 'object' || reading.values === null) return undefined;
  const v = reading.values as Record<string, unknown>;
  const make = (metric: Metric, value: number | undefined): Point | undefined => (value === undefined ? undefined : { device: dev, t, metric, value });
  switch (reading.kind) {
    case 'load-cell':
      return make('weight', num(v['kg']));
    case 'temperature':
      return make('temperature', num(v['c']));
    case 'humidity':
      return make('humidity', num(v['pct']));
    default:
      return undefined;
  }
}

function unwrap(item: unknown): ReadingLike | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const o = item as Record<string, unknown>;
  if (typeof o['record'] === 'object' && o['record'] !== null) return o['record'] as ReadingLike; // StoredReading
  if (typeof o['reading'] === 'object' && o['reading'] !== null) return o['reading'] as ReadingLike;
  return o as ReadingLike;
}

/** The points in a telemetry page for `device`, oldest first. */
export function pointsFromPage(body: unknown, device: string): Point[] {
  if (typeof body !== 'object' || body === null) return [];
  const o = body as Record<string, unknown>;
  const list = Array.isArray(o['readings']) ? o['readings'] : Array.isArray(o['items']) ? o['items'] : Array.isArray(body) ? (body as unknown[]) : [];
  const points: Point[] = [];
  for (const item of list) {
    const r = unwrap(item);
    const p = r === undefined ? undefined : pointOf(r, device);
    if (p !== undefined) points.push(p);
  }
  return points.sort((a, b) => a.t - b.t);
}

/** The cursor for the next telemetry page, if the answer has one. */
export function nextCursor(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const next = (body as Record<string, unknown>)['next'];
  return typeof next === 'string' || typeof next === 'number' ? String(next) : undefined;
}

/** Points of one metric as uPlot columns [times (s), series per device]; gaps where a device has no value. */
export function toColumns(points: readonly Point[], metric: Metric): { devices: string[]; data: (number | null)[][] } {
  const own = points.filter((p) => p.metric === metric);
  const devices = [...new Set(own.map((p) => p.device))].sort();
  const times = [...new Set(own.map((p) => p.t))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const series = devices.map(() => new Array<number | null>(times.length).fill(null));
  for (const p of own) series[devices.indexOf(p.device)]![at.get(p.t)!] = p.value;
  return { devices, data: [times.map((t) => t / 1000), ...series] };
}

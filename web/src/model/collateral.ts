// The collateral view of one pledge: covenant statuses, devices and their health, last anchor, coverage. Read from
// `GET /v1/pledges/{id}/collateral` when the server has it (tolerantly: the route is young, see README "Web pages"),
// and otherwise derived from the pledge's covenants and its open alerts, which every server has. Pure (no DOM).

export type CovenantState = 'ok' | 'breached' | 'unknown';
export type DeviceState = 'online' | 'silent' | 'offline' | 'revoked' | 'unknown';

export interface CovenantStatus {
  /** The covenant's name as in contracts/covenants.ts, e.g. 'temperature', 'quantityFloor'. */
  readonly name: string;
  readonly state: CovenantState;
  /** One line: the limit, and what was observed when known. */
  readonly detail: string;
}

export interface DeviceStatus {
  readonly id: string;
  readonly state: DeviceState;
  readonly kinds: readonly string[];
  /** Time of the last reading, RFC 3339, when known. */
  readonly lastReadingAt?: string;
  /** The last reading's values in words, e.g. "kg 38120", when known. */
  readonly lastValue?: string;
}

export interface AlertLike {
  readonly id: string;
  readonly pledge?: string;
  readonly receipt?: string;
  readonly covenant?: string;
  readonly severity?: string;
  readonly status?: string;
  readonly message?: string;
  readonly observedAt?: string;
}

export interface Collateral {
  /** Whether this came from the server's collateral endpoint (false: derived here from covenants and alerts). */
  readonly fromServer: boolean;
  readonly covenants: readonly CovenantStatus[];
  readonly devices: readonly DeviceStatus[];
  readonly lastAnchorAt?: string;
  readonly coverage?: string;
}

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** A covenant's limit in words, from its definition in the pledge (contracts/covenants.ts). */
export function describeCovenant(name: string, def: unknown): string {
  const d = record(def);
  switch (name) {
    case 'quantityFloor':
      return `quantity at least ${str(def) ?? '?'}`;
    case 'temperature':
      return `${str(d?.['minC']) ?? '?'}…${str(d?.['maxC']) ?? '?'} °C (excursions up to ${str(d?.['maxOutOfRangeSeconds']) ?? '?'} s)`;
    case 'humidity':
      return `${str(d?.['minPct']) ?? '?'}…${str(d?.['maxPct']) ?? '?'} % RH (excursions up to ${str(d?.['maxOutOfRangeSeconds']) ?? '?'} s)`;
    case 'geofence':
      return d?.['shape'] === 'circle' ? `within ${str(d['radiusM']) ?? '?'} m of the site` : 'inside the agreed area';
    case 'cameraHeartbeat':
      return `camera segments at least every ${str(d?.['maxGapSeconds']) ?? '?'} s`;
    case 'deviceSilence':
      return `every device reports at least every ${str(d?.['maxGapSeconds']) ?? '?'} s`;
    case 'doorHours':
      return 'doors open only in agreed hours';
    default:
      return name;
  }
}

function covenantState(v: unknown): CovenantState {
  const s = typeof v === 'string' ? v.toLowerCase() : typeof v === 'boolean' ? (v ? 'ok' : 'breached') : '';
  if (['ok', 'met', 'within', 'pass', 'compliant'].includes(s)) return 'ok';
  if (['breached', 'breach', 'violated', 'fail', 'alert'].includes(s)) return 'breached';
  return 'unknown';
}

function deviceState(v: unknown): DeviceState {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  if (s === 'online' || s === 'active' || s === 'ok') return 'online';
  if (s === 'silent' || s === 'stale' || s === 'degraded') return 'silent';
  if (s === 'offline' || s === 'revoked') return s;
  return 'unknown';
}

/** Derived view: each covenant of the pledge is breached when an open alert names it, else OK as far as alerts tell. */
export function deriveCollateral(covenants: unknown, openAlerts: readonly AlertLike[]): Collateral {
  const defs = record(covenants) ?? {};
  return {
    fromServer: false,
    devices: [],
    covenants: Object.entries(defs).map(([name, def]) => {
      const breach = openAlerts.find((a) => a.covenant === name && a.status !== 'resolved');
      return {
        name, state: breach === undefined ? 'ok' : 'breached',
        detail: breach === undefined ? `${describeCovenant(name, def)} · no open alert` : `${describeCovenant(name, def)} · ${breach.message ?? 'open alert'}`,
      };
    }),
  };
}

function lastValueOf(reading: Record<string, unknown> | undefined): string | undefined {
  const values = record(reading?.['values']);
  if (values === undefined) return undefined;
  return Object.entries(values).map(([k, v]) => `${k} ${str(v) ?? JSON.stringify(v)}`).join(', ');
}

function parseDevices(body: Record<string, unknown>): DeviceStatus[] {
  const raw = Array.isArray(body['devices']) ? body['devices'] : Object.entries(record(body['latestReadings']) ?? {}).map(([id, r]) => ({ id, lastReading: r }));
  const out: DeviceStatus[] = [];
  for (const item of raw) {
    const d = record(item);
    const id = str(d?.['id']) ?? str(d?.['device']);
    if (d === undefined || id === undefined) continue;
    const last = record(d['lastReading']) ?? record(d['latest']) ?? record(d['reading']);
    const lastReadingAt = str(last?.['ts']) ?? str(d['lastReadingAt']) ?? str(d['lastSeenAt']);
    const lastValue = lastValueOf(last);
    out.push({
      id, state: deviceState(d['status'] ?? d['state'] ?? d['health']),
      kinds: Array.isArray(d['kinds']) ? d['kinds'].filter((k): k is string => typeof k === 'string') : [],
      ...(lastReadingAt === undefined ? {} : { lastReadingAt }), ...(lastValue === undefined ? {} : { lastValue }),
    });
  }
  return out;
}

function parseCovenants(body: Record<string, unknown>, definitions: unknown): CovenantStatus[] {
  const raw = body['covenants'];
  const defs = record(definitions) ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((c) => [str(record(c)?.['covenant']) ?? str(record(c)?.['name']) ?? '?', c])
    : Object.entries(record(raw) ?? {});
  return entries.map(([name, c]) => {
    const o = record(c);
    const state = covenantState(o?.['status'] ?? o?.['state'] ?? o?.['ok'] ?? c);
    const observed = str(o?.['observed']) ?? str(o?.['value']) ?? str(o?.['detail']) ?? str(o?.['message']);
    return { name, state, detail: `${describeCovenant(name, defs[name] ?? o?.['limit'])}${observed === undefined ? '' : ` · ${observed}`}` };
  });
}

function coverageText(v: unknown): string | undefined {
  if (typeof v === 'number') return `${Math.round(v * 100)} %`;
  const o = record(v);
  if (o === undefined) return str(v);
  const measured = str(o['measured']) ?? str(o['measuredQuantity']);
  const pledged = str(o['pledged']) ?? str(o['quantity']);
  const ratio = typeof o['ratio'] === 'number' ? ` (${Math.round(o['ratio'] * 100)} %)` : '';
  const unit = str(o['unit']) ?? '';
  return measured === undefined ? undefined : `${measured}${unit ? ` ${unit}` : ''} measured${pledged === undefined ? '' : ` of ${pledged}${unit ? ` ${unit}` : ''} pledged`}${ratio}`;
}

/** The server's collateral answer as a Collateral; `definitions` are the pledge's covenants (for the limits). */
export function parseCollateral(body: unknown, definitions: unknown): Collateral {
  const o = record(body) ?? {};
  const anchor = record(o['lastAnchor']) ?? record(o['anchor']);
  const lastAnchorAt = str(o['lastAnchorAt']) ?? str(anchor?.['anchoredAt']) ?? str(anchor?.['at']);
  const coverage = coverageText(o['coverage']);
  return {
    fromServer: true, covenants: parseCovenants(o, definitions), devices: parseDevices(o),
    ...(lastAnchorAt === undefined ? {} : { lastAnchorAt }), ...(coverage === undefined ? {} : { coverage }),
  };
}

/** Silent when the last reading is older than `silenceMs` (the pledge's deviceSilence gap, or five minutes). */
export function withSilence(d: DeviceStatus, nowMs: number, silenceMs: number): DeviceStatus {
  if (d.state !== 'unknown' && d.state !== 'online') return d;
  if (d.lastReadingAt === undefined) return d;
  const age = nowMs - Date.parse(d.lastReadingAt);
  return { ...d, state: age > silenceMs ? 'silent' : 'online' };
}

/** The overall covenant status of a pledge for its row in the list. */
export function overallState(c: Collateral): CovenantState {
  if (c.covenants.some((x) => x.state === 'breached')) return 'breached';
  if (c.covenants.length > 0 && c.covenants.every((x) => x.state === 'ok')) return 'ok';
  return 'unknown';
}

// The bank's view of its collateral and the telemetry behind it: collateral status, readings by device and time,
// two-level reading proofs. A device's readings are visible to its warehouse and to whoever may read a receipt
// on the lot the device watches.
import { createHash } from 'node:crypto';
import type { Alert, Device, Pledge, Receipt } from '../../contracts/state.js';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { buildReadingProof } from '../../iot-gateway/reading-proof.js';
import type { StoredReading, TelemetryStore } from '../../iot-gateway/store/telemetry-store.js';
import type { AccessControl } from '../access/access-control.js';
import { requirePrincipal, type Principal } from '../auth/authenticate.js';
import type { ApiRoute } from './api-route.js';
import { HttpProblem } from './problem.js';

export interface TelemetryRouteDeps {
  readonly store: LedgerStore;
  readonly telemetry: TelemetryStore;
  readonly access: AccessControl;
  readonly clock: Clock;
}

/** A device is silent when it sent nothing for longer than the pledge's deviceSilence gap (default 5 minutes). */
const DEFAULT_SILENCE_S = 300;

function deviceHealth(d: Device, lastTs: string | undefined, silenceMs: number, nowMs: number): 'online' | 'silent' | 'revoked' {
  if (d.status !== 'active') return 'revoked';
  return lastTs !== undefined && nowMs - Date.parse(lastTs) <= silenceMs ? 'online' : 'silent';
}

const TIME = { type: 'string', format: 'date-time' } as const;

/** Kilograms per unit of receipt quantity, for comparing load cells with the receipt (undefined: not by weight). */
const KG_PER_UNIT: Readonly<Record<string, number>> = { kg: 1, t: 1000 };

/** Devices watching the receipt's lot, found through the state's reference index on `lot` (not a scan of the warehouse). */
async function devicesOfLot(store: LedgerStore, r: Receipt): Promise<Device[]> {
  const found: Device[] = [];
  for (let after: string | undefined; ;) {
    const page = await store.queryState({ kind: 'device', ref: r.lot, limit: 500, ...(after === undefined ? {} : { after }) });
    for (const { object } of page) {
      const d = object as unknown as Device;
      if (d.lot === r.lot && d.site === r.site && d.warehouse === r.warehouse) found.push(d);
    }
    if (page.length < 500) return found;
    after = page[page.length - 1]!.object.id;
  }
}

/** What a collateral answer takes from the ledger state; it changes only when the log grows. */
interface CollateralState {
  readonly pledge: Pledge;
  readonly receipt: Receipt;
  readonly openAlerts: readonly Alert[];
  readonly devices: readonly Device[];
  readonly anchor: { anchoredAt?: string; lastReadingAt?: string; index?: number } | undefined;
}

async function loadCollateralState(deps: TelemetryRouteDeps, p: Principal, id: string): Promise<CollateralState | undefined> {
  const pledge = (await deps.access.readable(p, 'pledge', id)) as unknown as Pledge | undefined;
  if (pledge === undefined) return undefined;
  const receipt = (await deps.store.getState([{ kind: 'receipt', id: pledge.receipt }])).get(`receipt:${pledge.receipt}`)!.object as unknown as Receipt;
  const openAlerts = (await deps.store.queryState({ kind: 'alert', ref: receipt.id, limit: 500 }))
    .map((a) => a.object as unknown as Alert)
    .filter((a) => a.status === 'open');
  const devices = await devicesOfLot(deps.store, receipt);
  const anchor = (await deps.store.getState([{ kind: 'meta', id: 'anchor' }])).get('meta:anchor')?.object as CollateralState['anchor'];
  return { pledge, receipt, openAlerts, devices, anchor };
}

/** Most (caller, pledge) answers kept per ledger size; past it the cache starts over. */
const COLLATERAL_CACHE_MAX = 1_000;

/**
 * The collateral state per (caller, pledge), valid for one ledger size: state is written in the same store commit
 * as the entries that change it, so a grown log drops everything. The visibility decision is cached with it (null:
 * not visible), keyed by the caller's party and role, which are themselves ledger state.
 */
class CollateralCache {
  #size = -1;
  readonly #entries = new Map<string, CollateralState | null>();

  async get(deps: TelemetryRouteDeps, p: Principal, id: string): Promise<CollateralState | undefined> {
    const size = await deps.store.size();
    if (size !== this.#size) {
      this.#entries.clear();
      this.#size = size;
    }
    const key = `${p.role}\u0000${p.partyId}\u0000${id}`;
    let state = this.#entries.get(key);
    if (state === undefined) {
      state = (await loadCollateralState(deps, p, id)) ?? null;
      if (this.#size === size) {
        if (this.#entries.size >= COLLATERAL_CACHE_MAX) this.#entries.clear();
        this.#entries.set(key, state);
      }
    }
    return state ?? undefined;
  }
}

/** Latest reading and latest load-cell reading of a device: one read when the latest reading is itself a load cell's. */
async function latestReadings(telemetry: TelemetryStore, d: Device): Promise<{ reading: StoredReading | undefined; weight: StoredReading | undefined }> {
  const reading = await telemetry.latest(d.id);
  if (!d.kinds.includes('load-cell')) return { reading, weight: undefined };
  if (reading === undefined || reading.record.kind === 'load-cell') return { reading, weight: reading };
  return { reading, weight: await telemetry.latest(d.id, 'load-cell') };
}

async function canSeeDevice(deps: TelemetryRouteDeps, p: Principal, d: Device): Promise<boolean> {
  if (await deps.access.canRead(p, d)) return true;
  if (d.lot === undefined) return false;
  const receipts = await deps.store.queryState({ kind: 'receipt', ref: d.lot, limit: 500 });
  for (const r of receipts) {
    if ((r.object as unknown as Receipt).warehouse === d.warehouse && (await deps.access.canRead(p, r.object))) return true;
  }
  return false;
}

async function visibleDevice(deps: TelemetryRouteDeps, p: Principal, id: string): Promise<Device> {
  const found = (await deps.store.getState([{ kind: 'device', id }])).get(`device:${id}`);
  const device = found?.object as unknown as Device | undefined;
  if (device === undefined || !(await canSeeDevice(deps, p, device))) throw new HttpProblem('NOT_FOUND', `no device '${id}' visible to you`);
  return device;
}

/** Largest clip `POST /v1/evidence/verify` hashes (the upload is streamed, never held in memory). */
export const MAX_EVIDENCE_BYTES = 2 * 1024 ** 3;

async function sha256OfBody(req: AsyncIterable<Buffer>, limit: number): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of req) {
    bytes += chunk.length;
    if (bytes > limit) throw new HttpProblem('BODY_TOO_LARGE', `uploads are limited to ${limit} bytes`);
    hash.update(chunk);
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function telemetryRoutes(deps: TelemetryRouteDeps): ApiRoute[] {
  const collateral = new CollateralCache();
  return [
    {
      method: 'post', path: '/v1/evidence/verify', tag: 'evidence', access: 'token; only readings of devices visible to the caller',
      summary: 'Upload a video clip (or any file): is its SHA-256 anchored, when, by which device, with a two-level proof',
      responses: { 200: { description: '{sha256, bytes, anchored, matches:[{readingId, device, segment, receivedAt, anchor, proof}]}' } },
      async handler(req, res) {
        const p = requirePrincipal(res);
        const { sha256, bytes } = await sha256OfBody(req as unknown as AsyncIterable<Buffer>, MAX_EVIDENCE_BYTES);
        const matches = [];
        for (const r of await deps.telemetry.segments(sha256)) {
          const device = (await deps.store.getState([{ kind: 'device', id: r.record.device }])).get(`device:${r.record.device}`)?.object as unknown as Device | undefined;
          if (device === undefined || !(await canSeeDevice(deps, p, device))) continue;
          const outcome = await buildReadingProof(deps.telemetry, deps.store, r.id);
          matches.push({
            readingId: r.id, device: r.record.device, segment: (r.record as unknown as { segment: unknown }).segment, receivedAt: r.record.receivedAt,
            status: outcome.status, proof: outcome.status === 'ok' ? outcome.proof : null,
          });
        }
        res.json({ sha256, bytes, anchored: matches.some((m) => m.status === 'ok'), matches });
      },
    },
    {
      method: 'get', path: '/v1/pledges/:id/collateral', tag: 'pledges', access: 'token; the pledge must be visible to the caller',
      summary: "The bank's view: receipt, covenants and their status, latest reading per device, last anchor, open alerts, quantity coverage",
      responses: { 200: { description: 'collateral status' } },
      async handler(req, res) {
        const id = String(req.params['id']);
        const state = await collateral.get(deps, requirePrincipal(res), id);
        if (state === undefined) throw new HttpProblem('NOT_FOUND', `no pledge '${id}' visible to you`);
        const { pledge, receipt, openAlerts: alerts, devices, anchor } = state;
        const latest = await Promise.all(devices.map(async (d) => ({ device: d, ...(await latestReadings(deps.telemetry, d)) })));
        const weights = latest.filter(({ device }) => device.kinds.includes('load-cell')).map(({ weight }) => weight);
        const measuredKg = weights.reduce((sum, w) => sum + ((w?.record as { values?: { kg?: number } } | undefined)?.values?.kg ?? 0), 0);
        const perUnit = KG_PER_UNIT[receipt.unit];
        const pledgedKg = perUnit === undefined ? undefined : Number(receipt.quantity) * perUnit;
        const silenceMs = (pledge.covenants.deviceSilence?.maxGapSeconds ?? DEFAULT_SILENCE_S) * 1000;
        const covenants = Object.keys(pledge.covenants).map((covenant) => {
          const open = alerts.filter((a) => a.covenant === covenant);
          return { covenant, terms: (pledge.covenants as Record<string, unknown>)[covenant], status: open.length > 0 ? 'breached' : 'ok', openAlerts: open.map((a) => a.id) };
        });
        res.json({
          pledge: { id: pledge.id, status: pledge.status, bank: pledge.bank, amount: pledge.amount, currency: pledge.currency, maturity: pledge.maturity },
          receipt,
          covenants,
          devices: latest.map(({ device, reading }) => ({
            id: device.id, kinds: device.kinds, registration: device.status,
            status: deviceHealth(device, reading?.record.ts, silenceMs, deps.clock.now()),
            lastReading: reading === undefined ? null : { id: reading.id, ...reading.record },
          })),
          lastAnchor: anchor === undefined ? null : { index: anchor.index, anchoredAt: anchor.anchoredAt, lastReadingAt: anchor.lastReadingAt },
          alerts,
          coverage: pledgedKg === undefined || weights.every((w) => w === undefined)
            ? null
            : {
              measuredKg, pledgedKg, ratio: pledgedKg === 0 ? null : Math.round((measuredKg / pledgedKg) * 1e4) / 1e4,
              measured: String(Math.round(measuredKg * 1000) / 1000), pledged: String(pledgedKg), unit: 'kg',
            },
        });
      },
    },
    {
      method: 'get', path: '/v1/telemetry', tag: 'telemetry', access: "token; the device's warehouse, or a party that may read a receipt on the device's lot",
      summary: 'Readings of one device, in arrival order, optionally within a device-time range, paginated',
      query: {
        device: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Device id' },
        from: { ...TIME, description: 'Device time, inclusive (RFC 3339)' },
        to: { ...TIME, description: 'Device time, exclusive (RFC 3339)' },
        after: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Reading id to continue after (from `next`)' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200, description: 'Page size (1–1000, default 200)' },
      },
      requiredQuery: ['device'],
      responses: { 200: { description: '{readings, next?}' } },
      async handler(req, res) {
        const device = await visibleDevice(deps, requirePrincipal(res), String(req.query['device']));
        const q = req.query as Record<string, unknown>;
        const page = await deps.telemetry.readings({
          device: device.id, limit: Number(q['limit'] ?? 200),
          ...(q['from'] === undefined ? {} : { from: String(q['from']) }),
          ...(q['to'] === undefined ? {} : { to: String(q['to']) }),
          ...(q['after'] === undefined ? {} : { after: Number(q['after']) }),
        });
        res.json({ readings: page.readings.map((r) => ({ id: r.id, batchId: r.batchId, ...r.record })), ...(page.next === undefined ? {} : { next: page.next }) });
      },
    },
    {
      method: 'get', path: '/v1/telemetry/readings/:id/proof', tag: 'telemetry', access: 'token; as for the reading’s device',
      summary: 'Two-level proof of a reading: reading → batch root (RFC 6962) → anchor entry → signed checkpoint',
      responses: { 200: { description: 'the proof (verify with iot-gateway/verify-reading-proof.ts)' }, 409: { description: 'not anchored yet' } },
      async handler(req, res) {
        const id = Number(req.params['id']);
        if (!Number.isSafeInteger(id) || id < 1) throw new HttpProblem('NOT_FOUND', 'reading ids are positive integers');
        const stored = await deps.telemetry.reading(id);
        if (stored === undefined) throw new HttpProblem('NOT_FOUND', `no reading ${id}`);
        await visibleDevice(deps, requirePrincipal(res), stored.record.device);
        const outcome = await buildReadingProof(deps.telemetry, deps.store, id);
        if (outcome.status !== 'ok') throw new HttpProblem('NOT_ANCHORED_YET', `reading ${id} is ${outcome.status}; its batch is anchored within LH_BATCH_MS`);
        res.json(outcome.proof);
      },
    },
  ];
}

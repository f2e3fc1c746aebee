// One pledge in detail: the collateral (receipt, covenants and their status, devices and their health, last anchor,
// coverage), charts of weight, temperature and humidity, the receipt's ledger history, the receipt PDF. Live
// readings for the lot and new alerts update it in place.
import { deriveCollateral, parseCollateral, withSilence, type AlertLike, type Collateral, type DeviceStatus } from '../model/collateral.js';
import { pointOf, pointsFromPage, type Metric, type Point } from '../model/telemetry.js';
import { ApiError, getBlob, getJson, getOptional } from './api.js';
import { MetricChart, type Limits } from './charts.js';
import { ago, badge, facts, formatTime, h, replace } from './dom.js';

export interface PledgeLike {
  readonly id: string;
  readonly receipt: string;
  readonly bank?: string;
  readonly status?: string;
  readonly amount?: string;
  readonly currency?: string;
  readonly maturity?: string;
  readonly covenants?: Record<string, unknown>;
}

export interface ReceiptLike {
  readonly id: string;
  readonly warehouse?: string;
  readonly lot?: string;
  readonly commodity?: string;
  readonly grade?: string;
  readonly quantity?: string;
  readonly unit?: string;
  readonly site?: string;
  readonly bay?: string;
  readonly status?: string;
}

const HISTORY_WINDOW_MS = 24 * 3600 * 1000;
const DEFAULT_SILENCE_MS = 5 * 60 * 1000;
const STATE_TONE = { ok: 'ok', breached: 'bad', unknown: 'muted', online: 'ok', silent: 'warn', offline: 'bad', revoked: 'muted' } as const;

function limitsOf(covenants: Record<string, unknown> | undefined, metric: Metric): Limits {
  const c = covenants?.[metric === 'weight' ? 'quantityFloor' : metric] as Record<string, unknown> | string | undefined;
  if (metric === 'temperature' && typeof c === 'object') return { min: Number(c['minC']), max: Number(c['maxC']) };
  if (metric === 'humidity' && typeof c === 'object') return { min: Number(c['minPct']), max: Number(c['maxPct']) };
  return {}; // a quantity floor is in the receipt's unit, not necessarily kg: not drawn on the weight chart
}

/** Whether the collateral endpoint exists on this server (a 404 with code NOT_FOUND for the route is "no"). */
async function loadCollateral(pledge: PledgeLike, token: string, alerts: readonly AlertLike[]): Promise<Collateral> {
  try {
    const body = await getJson(`/v1/pledges/${encodeURIComponent(pledge.id)}/collateral`, token);
    return parseCollateral(body, pledge.covenants);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return deriveCollateral(pledge.covenants, alerts.filter((a) => a.pledge === pledge.id));
    throw e;
  }
}

async function loadTelemetry(devices: readonly DeviceStatus[], token: string, nowMs: number): Promise<Point[]> {
  const from = new Date(nowMs - HISTORY_WINDOW_MS).toISOString();
  const to = new Date(nowMs + 60_000).toISOString();
  const pages = await Promise.all(devices.map((d) =>
    getOptional(`/v1/telemetry?device=${encodeURIComponent(d.id)}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, token)
      .then((body) => pointsFromPage(body, d.id))
      .catch(() => [] as Point[])));
  return pages.flat();
}

export class PledgeDetail {
  readonly el: HTMLElement;
  #collateral: Collateral | undefined;
  #receipt: ReceiptLike | undefined;
  readonly #charts: MetricChart[];
  readonly #covenants = h('div', { id: 'covenants' });
  readonly #devices = h('div', { id: 'devices' });

  constructor(
    readonly pledge: PledgeLike,
    private readonly token: string,
  ) {
    this.#charts = (['weight', 'temperature', 'humidity'] as const).map((m) => new MetricChart(m, limitsOf(pledge.covenants, m)));
    this.el = h('section', { id: 'pledge-detail', 'data-pledge': pledge.id }, h('p', { class: 'muted' }, `Loading ${pledge.id}…`));
  }

  async load(alerts: readonly AlertLike[]): Promise<void> {
    const p = this.pledge;
    const [receipt, collateral, history] = await Promise.all([
      getOptional(`/v1/receipts/${encodeURIComponent(p.receipt)}`, this.token) as Promise<ReceiptLike | undefined>,
      loadCollateral(p, this.token, alerts),
      getOptional(`/v1/receipts/${encodeURIComponent(p.receipt)}/history`, this.token) as Promise<{ events?: Record<string, unknown>[] } | undefined>,
    ]);
    this.#receipt = receipt;
    this.#collateral = collateral;
    replace(this.el,
      h('p', {}, h('a', { href: '#', id: 'back' }, '← All pledged collateral')),
      h('h2', {}, `Pledge ${p.id}`),
      h('div', { class: 'grid grid-2' },
        h('section', { class: 'card' }, h('h3', {}, 'Collateral'), this.#facts(receipt), this.#covenants, this.#devices),
        h('section', { class: 'card' }, h('h3', {}, 'Receipt history'), this.#history(history?.events ?? []), this.#actions())),
      h('div', { class: 'charts', id: 'charts' }, ...this.#charts.map((c) => c.el)));
    this.#renderCollateral();
    const points = await loadTelemetry(collateral.devices, this.token, Date.now());
    for (const c of this.#charts) c.set(points);
  }

  /** A new or changed alert for this pledge: the derived covenant statuses follow it. */
  async onAlerts(alerts: readonly AlertLike[]): Promise<void> {
    if (this.#receipt === undefined) return;
    this.#collateral = await loadCollateral(this.pledge, this.token, alerts).catch(() => this.#collateral);
    this.#renderCollateral();
  }

  /** A live reading: plotted when it is about this receipt's lot (or one of the collateral's devices). */
  onReading(reading: Record<string, unknown>): void {
    const r = this.#receipt;
    const device = typeof reading['device'] === 'string' ? reading['device'] : undefined;
    const ours = (r !== undefined && reading['lot'] === r.lot && reading['warehouse'] === r.warehouse) ||
      (device !== undefined && this.#collateral?.devices.some((d) => d.id === device) === true);
    if (!ours || device === undefined) return;
    const point = pointOf(reading);
    if (point !== undefined) for (const c of this.#charts) c.add(point);
    if (this.#collateral !== undefined && typeof reading['ts'] === 'string') {
      const devices = this.#collateral.devices.filter((d) => d.id !== device);
      const old = this.#collateral.devices.find((d) => d.id === device);
      const values = typeof reading['values'] === 'object' && reading['values'] !== null ? Object.entries(reading['values']).map(([k, v]) => `${k} ${String(v)}`).join(', ') : undefined;
      devices.push({ id: device, kinds: old?.kinds ?? [String(reading['kind'])], state: 'online', lastReadingAt: reading['ts'], ...(values === undefined ? {} : { lastValue: values }) });
      this.#collateral = { ...this.#collateral, devices: devices.sort((a, b) => a.id.localeCompare(b.id)) };
      this.#renderCollateral();
    }
  }

  destroy(): void {
    for (const c of this.#charts) c.destroy();
  }

  #facts(r: ReceiptLike | undefined): HTMLElement {
    const p = this.pledge;
    return facts([
      ['Receipt', h('span', {}, h('code', {}, p.receipt), ' ', h('a', { href: `/verify/${p.receipt}`, target: '_blank', rel: 'noopener' }, 'verify'))],
      ['Goods', r === undefined ? '—' : `${r.quantity ?? '?'} ${r.unit ?? ''} ${r.commodity ?? ''}${r.grade ? `, ${r.grade}` : ''}`],
      ['Where', r === undefined ? '—' : `${r.warehouse ?? '?'} · site ${r.site ?? '?'}, bay ${r.bay ?? '?'} · lot ${r.lot ?? '?'}`],
      ['Loan', `${p.amount ?? '?'} ${p.currency ?? ''} · matures ${formatTime(p.maturity)}`],
      ['Pledge status', p.status ?? '—'],
    ]);
  }

  #renderCollateral(): void {
    const c = this.#collateral;
    if (c === undefined) return;
    const silenceMs = Number((this.pledge.covenants?.['deviceSilence'] as { maxGapSeconds?: number } | undefined)?.maxGapSeconds ?? NaN) * 1000 || DEFAULT_SILENCE_MS;
    const devices = c.devices.map((d) => withSilence(d, Date.now(), silenceMs));
    replace(this.#covenants,
      h('h3', {}, 'Covenants'),
      c.covenants.length === 0 ? h('p', { class: 'empty' }, 'No covenants on this pledge.') : h('table', {},
        h('tbody', {}, ...c.covenants.map((x) => h('tr', { 'data-covenant': x.name, 'data-state': x.state },
          h('td', {}, x.name), h('td', {}, badge(x.state === 'breached' ? 'breached' : x.state, STATE_TONE[x.state])), h('td', { class: 'muted' }, x.detail))))),
      c.fromServer ? undefined : h('p', { class: 'muted small' }, 'Covenant status derived from open alerts (this server has no collateral endpoint).'),
      c.lastAnchorAt === undefined ? undefined : h('p', { class: 'small' }, `Telemetry last anchored in the ledger ${ago(c.lastAnchorAt)}.`),
      c.coverage === undefined ? undefined : h('p', { class: 'small' }, `Coverage: ${c.coverage}.`));
    replace(this.#devices,
      h('h3', {}, 'Devices'),
      devices.length === 0 ? h('p', { class: 'empty' }, c.fromServer ? 'No devices watch this lot.' : 'Device status appears here as readings arrive.') : h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Device'), h('th', {}, 'Status'), h('th', {}, 'Last reading'))),
        h('tbody', {}, ...devices.map((d) => h('tr', { 'data-device': d.id, 'data-state': d.state },
          h('td', {}, h('code', {}, d.id), h('div', { class: 'muted small' }, d.kinds.join(', '))),
          h('td', {}, badge(d.state, STATE_TONE[d.state === 'unknown' ? 'unknown' : d.state])),
          h('td', {}, ago(d.lastReadingAt), d.lastValue === undefined ? '' : h('div', { class: 'muted small' }, d.lastValue)))))));
  }

  #history(events: readonly Record<string, unknown>[]): HTMLElement {
    if (events.length === 0) return h('p', { class: 'empty' }, 'No history available.');
    return h('ol', { class: 'history' }, ...events.map((e) => h('li', {}, h('strong', {}, String(e['type'] ?? 'event')), h('span', { class: 'muted' }, ` · entry ${String(e['index'] ?? '?')}`))));
  }

  #actions(): HTMLElement {
    const status = h('span', { class: 'muted small', role: 'status' });
    const button = h('button', { type: 'button', class: 'secondary', id: 'download-pdf' }, 'Download receipt PDF');
    button.addEventListener('click', () => {
      button.disabled = true;
      status.textContent = ' preparing…';
      getBlob(`/v1/receipts/${encodeURIComponent(this.pledge.receipt)}/pdf`, this.token).then(
        (blob) => {
          const url = URL.createObjectURL(blob);
          const a = h('a', { href: url, download: `${this.pledge.receipt}.pdf` });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
          status.textContent = '';
          button.disabled = false;
        },
        (e: unknown) => {
          status.textContent = e instanceof ApiError && e.status === 404 ? ' PDF receipts are not available on this server yet.' : ` ${(e as Error).message}`;
          button.disabled = false;
        },
      );
    });
    return h('p', {}, button, status);
  }
}

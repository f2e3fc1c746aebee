// /warehouse: a warehouse's view — the receipts it issued, its devices and their health (from the device list when
// the server has one, and from live readings as they arrive), and the alerts on its sites, all live.
import type { AlertLike, DeviceStatus } from '../model/collateral.js';
import { parseCollateral, withSilence } from '../model/collateral.js';
import { AlertList } from '../ui/alert-list.js';
import { ApiError, getAllItems, getJson, getOptional } from '../ui/api.js';
import { ago, badge, byId, h, replace } from '../ui/dom.js';
import { LiveStream, liveIndicator, type LedgerEvent } from '../ui/live-stream.js';
import type { ReceiptLike } from '../ui/pledge-detail.js';
import { ensureSignedIn, signOut } from '../ui/session.js';
import { statusBadge } from '../ui/verdict-view.js';
import type { PublicStatus } from '../verify/verify-receipt.js';

const SILENCE_MS = 5 * 60 * 1000;
const DEVICE_TONE = { online: 'ok', silent: 'warn', offline: 'bad', revoked: 'muted', unknown: 'muted' } as const;

interface WarehouseReceipt extends ReceiptLike {
  readonly holder?: string;
  readonly frozenBy?: readonly string[];
  readonly issuedAt?: string;
}

function receiptsTable(receipts: readonly WarehouseReceipt[]): HTMLElement {
  if (receipts.length === 0) return h('p', { class: 'empty' }, 'No receipts issued yet.');
  const known = new Set(['active', 'pledged', 'redeemed', 'inoperative', 'paper']);
  return h('div', { class: 'table-wrap' }, h('table', { id: 'receipts' },
    h('thead', {}, h('tr', {}, ...['Receipt', 'Holder', 'Goods', 'Site / bay', 'Status'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...receipts.map((r) => h('tr', { 'data-receipt': r.id },
      h('td', {}, h('a', { href: `/verify/${r.id}`, target: '_blank', rel: 'noopener' }, h('code', {}, r.id))),
      h('td', {}, r.holder ?? '—'),
      h('td', {}, `${r.quantity ?? ''} ${r.unit ?? ''} ${r.commodity ?? ''}${r.grade ? `, ${r.grade}` : ''}`),
      h('td', {}, `${r.site ?? ''} / ${r.bay ?? ''}`),
      h('td', {}, known.has(r.status ?? '') ? statusBadge(r.status as PublicStatus) : (r.status ?? ''),
        (r.frozenBy?.length ?? 0) > 0 ? badge('frozen', 'bad') : ''))))));
}

class DeviceBoard {
  readonly el = h('section', { class: 'card', id: 'devices-card' });
  readonly #devices = new Map<string, DeviceStatus>();
  #note = '';

  setListed(devices: readonly DeviceStatus[], note: string): void {
    for (const d of devices) this.#devices.set(d.id, d);
    this.#note = note;
    this.render();
  }

  onReading(r: Record<string, unknown>): void {
    const id = typeof r['device'] === 'string' ? r['device'] : undefined;
    if (id === undefined || typeof r['ts'] !== 'string') return;
    const old = this.#devices.get(id);
    const values = typeof r['values'] === 'object' && r['values'] !== null ? Object.entries(r['values']).map(([k, v]) => `${k} ${String(v)}`).join(', ') : undefined;
    this.#devices.set(id, { id, state: 'online', kinds: old?.kinds ?? [String(r['kind'])], lastReadingAt: r['ts'], ...(values === undefined ? {} : { lastValue: values }) });
    this.render();
  }

  render(): void {
    const now = Date.now();
    const devices = [...this.#devices.values()].map((d) => withSilence(d, now, SILENCE_MS)).sort((a, b) => a.id.localeCompare(b.id));
    replace(this.el, h('h2', {}, 'Devices'),
      devices.length === 0 ? h('p', { class: 'empty' }, 'No device has reported since this page opened.') : h('div', { class: 'table-wrap' }, h('table', { id: 'devices' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Device'), h('th', {}, 'Health'), h('th', {}, 'Last reading'))),
        h('tbody', {}, ...devices.map((d) => h('tr', { 'data-device': d.id, 'data-state': d.state },
          h('td', {}, h('code', {}, d.id), h('div', { class: 'muted small' }, d.kinds.join(', '))),
          h('td', {}, badge(d.state, DEVICE_TONE[d.state])),
          h('td', {}, ago(d.lastReadingAt, now), d.lastValue === undefined ? '' : h('div', { class: 'muted small' }, d.lastValue))))))),
      this.#note === '' ? undefined : h('p', { class: 'muted small' }, this.#note));
  }
}

/** Devices from `GET /v1/devices` when the server has it (tolerant reading, as for collateral). */
async function listDevices(token: string): Promise<{ devices: DeviceStatus[]; note: string }> {
  try {
    const body = await getJson('/v1/devices', token);
    const list = Array.isArray(body) ? body : (body as { items?: unknown[] }).items ?? (body as { devices?: unknown[] }).devices ?? [];
    return { devices: [...parseCollateral({ devices: list }, {}).devices], note: '' };
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { devices: [], note: 'This server does not list devices yet; devices appear here as their readings arrive.' };
    throw e;
  }
}

async function main(): Promise<void> {
  const live = liveIndicator();
  const who = h('span', { class: 'muted small', id: 'who' });
  const content = h('div', { id: 'content' });
  replace(byId('app'), h('header', { class: 'masthead' },
    h('a', { href: '/warehouse', class: 'brand' }, 'Ledgerhouse'), h('span', { class: 'muted' }, 'Warehouse'),
    h('span', { class: 'spacer' }), who, live.el,
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => signOut() }, 'Sign out')), content);
  live.el.hidden = true;
  const token = await ensureSignedIn(content, 'Sign in to the warehouse view', '/v1/receipts?limit=1');
  live.el.hidden = false;
  const health = (await getJson('/v1/health')) as { size?: number };
  let me: string | undefined;
  const alerts = new AlertList({ party: () => me });
  const devices = new DeviceBoard();
  const receiptsCard = h('section', { class: 'card', id: 'receipts-card' });
  const loadReceipts = async (): Promise<void> => {
    const receipts = await getAllItems<WarehouseReceipt>('/v1/receipts', token);
    me ??= receipts.find((r) => r.warehouse !== undefined)?.warehouse;
    who.textContent = me === undefined ? 'signed in' : `signed in as ${me}`;
    replace(receiptsCard, h('h2', {}, `Receipts issued (${receipts.length})`), receiptsTable(receipts));
  };
  replace(content, h('h1', {}, 'Warehouse'), h('div', { class: 'grid grid-2' }, receiptsCard, h('div', {}, alerts.el, devices.el)));
  const [listed] = await Promise.all([
    listDevices(token), loadReceipts(),
    getAllItems<AlertLike>('/v1/alerts?status=open', token).then((a) => alerts.setAll(a)),
  ]);
  devices.setListed(listed.devices, listed.note);
  setInterval(() => devices.render(), 30_000); // ages and silence move with time

  let reload: ReturnType<typeof setTimeout> | undefined;
  const onEvent = async (e: LedgerEvent): Promise<void> => {
    for (const id of e.event.refs['alert'] ?? []) {
      const alert = (await getOptional(`/v1/alerts/${encodeURIComponent(id)}`, token)) as AlertLike | undefined;
      if (alert !== undefined) alerts.upsert(alert);
    }
    if (e.channel === 'receipts' || e.channel === 'pledges' || e.channel === 'alerts') {
      clearTimeout(reload);
      reload = setTimeout(() => void loadReceipts(), 300);
    }
  };
  new LiveStream({
    token, channels: ['alerts', 'receipts', 'pledges', 'telemetry'], ...(health.size === undefined ? {} : { since: health.size }),
    onEvent: (e) => void onEvent(e), onReading: (r) => devices.onReading(r), onState: (state, detail) => live.set(state, detail),
  }).start();
}

void main();

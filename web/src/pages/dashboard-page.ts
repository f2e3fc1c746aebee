// /dashboard: the bank's view of its pledged collateral. Token sign-in (sessionStorage), the pledges with live
// covenant status, open alerts arriving over the WebSocket without a reload, and a detail view per pledge
// (#pl-…) with charts, devices, the receipt's history and its PDF. Shows only what the API lets this token read.
import type { AlertLike } from '../model/collateral.js';
import { AlertList } from '../ui/alert-list.js';
import { getAllItems, getJson, getOptional } from '../ui/api.js';
import { byId, h, replace } from '../ui/dom.js';
import { LiveStream, liveIndicator, type LedgerEvent } from '../ui/live-stream.js';
import { PledgeDetail, type PledgeLike, type ReceiptLike } from '../ui/pledge-detail.js';
import { PledgeTable } from '../ui/pledge-table.js';
import { ensureSignedIn, signOut } from '../ui/session.js';

interface State {
  token: string;
  pledges: PledgeLike[];
  receipts: Map<string, ReceiptLike>;
  me: string | undefined;
  detail: PledgeDetail | undefined;
}

function masthead(live: HTMLElement, who: HTMLElement): HTMLElement {
  return h('header', { class: 'masthead' },
    h('a', { href: '/dashboard', class: 'brand' }, 'Ledgerhouse'), h('span', { class: 'muted' }, 'Bank dashboard'),
    h('span', { class: 'spacer' }), who, live,
    h('button', { type: 'button', class: 'secondary', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
}

async function loadPledges(s: State): Promise<void> {
  s.pledges = await getAllItems<PledgeLike>('/v1/pledges', s.token);
  const ids = [...new Set(s.pledges.map((p) => p.receipt))];
  const receipts = await Promise.all(ids.map((id) => getOptional(`/v1/receipts/${encodeURIComponent(id)}`, s.token) as Promise<ReceiptLike | undefined>));
  s.receipts = new Map(receipts.filter((r): r is ReceiptLike => r !== undefined).map((r) => [r.id, r]));
  s.me ??= s.pledges.find((p) => p.bank !== undefined)?.bank;
}

async function main(): Promise<void> {
  const live = liveIndicator();
  const who = h('span', { class: 'muted small', id: 'who' });
  const content = h('div', { id: 'content' });
  replace(byId('app'), masthead(live.el, who), content);
  live.el.hidden = true;
  const token = await ensureSignedIn(content, 'Sign in to the bank dashboard', '/v1/pledges?limit=1');
  live.el.hidden = false;
  const health = (await getJson('/v1/health')) as { size?: number };
  const s: State = { token, pledges: [], receipts: new Map(), me: undefined, detail: undefined };
  const alerts = new AlertList({ party: () => s.me, open: (a) => { if (a.pledge !== undefined) location.hash = a.pledge; } });
  const table = new PledgeTable((p) => { location.hash = p.id; });
  const overview = h('div', { class: 'grid grid-2', id: 'overview' }, table.el, alerts.el);

  const refreshTable = (): void => {
    table.set(s.pledges, s.receipts);
    table.setAlerts(alerts.open);
    who.textContent = s.me === undefined ? 'signed in' : `signed in as ${s.me}`;
  };
  const route = async (): Promise<void> => {
    const id = decodeURIComponent(location.hash.slice(1));
    s.detail?.destroy();
    s.detail = undefined;
    const pledge = s.pledges.find((p) => p.id === id);
    if (pledge === undefined) {
      replace(content, overview);
      return;
    }
    const detail = new PledgeDetail(pledge, token);
    s.detail = detail;
    replace(content, detail.el, alerts.el);
    await detail.load(alerts.open);
  };

  await Promise.all([loadPledges(s), getAllItems<AlertLike>('/v1/alerts?status=open', token).then((a) => alerts.setAll(a))]);
  refreshTable();
  window.addEventListener('hashchange', () => void route());
  await route();

  let reload: ReturnType<typeof setTimeout> | undefined;
  const onEvent = async (e: LedgerEvent): Promise<void> => {
    for (const id of e.event.refs['alert'] ?? []) {
      const alert = (await getOptional(`/v1/alerts/${encodeURIComponent(id)}`, token)) as AlertLike | undefined;
      if (alert !== undefined) alerts.upsert(alert);
    }
    if (e.channel === 'alerts') {
      table.setAlerts(alerts.open);
      await s.detail?.onAlerts(alerts.open);
    }
    if (e.channel === 'pledges' || e.channel === 'receipts') {
      clearTimeout(reload);
      reload = setTimeout(() => void loadPledges(s).then(refreshTable), 300);
    }
  };
  new LiveStream({
    token, channels: ['alerts', 'pledges', 'receipts', 'telemetry'], ...(health.size === undefined ? {} : { since: health.size }),
    onEvent: (e) => void onEvent(e),
    onReading: (r) => s.detail?.onReading(r),
    onState: (state, detail) => live.set(state, detail),
  }).start();
}

void main();

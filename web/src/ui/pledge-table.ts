// The bank's pledged collateral at a glance: one row per pledge with its receipt, loan, maturity and live covenant
// status (breached as soon as an alert on it is open).
import { deriveCollateral, overallState, type AlertLike, type CovenantState } from '../model/collateral.js';
import { badge, formatTime, h, replace } from './dom.js';
import type { PledgeLike, ReceiptLike } from './pledge-detail.js';

const TONE = { ok: 'ok', breached: 'bad', unknown: 'muted' } as const;
const LABEL: Readonly<Record<CovenantState, string>> = { ok: 'all met', breached: 'breached', unknown: 'unknown' };

export class PledgeTable {
  readonly el: HTMLElement;
  readonly #body: HTMLElement;
  #pledges: readonly PledgeLike[] = [];
  #receipts = new Map<string, ReceiptLike>();
  #alerts: readonly AlertLike[] = [];

  constructor(private readonly onOpen: (p: PledgeLike) => void) {
    this.#body = h('div', { class: 'table-wrap' });
    this.el = h('section', { class: 'card', id: 'pledges-card' }, h('h2', {}, 'Pledged collateral'), this.#body);
  }

  set(pledges: readonly PledgeLike[], receipts: Map<string, ReceiptLike>): void {
    this.#pledges = pledges;
    this.#receipts = receipts;
    this.render();
  }

  setAlerts(alerts: readonly AlertLike[]): void {
    this.#alerts = alerts;
    this.render();
  }

  render(): void {
    if (this.#pledges.length === 0) {
      replace(this.#body, h('p', { class: 'empty' }, 'No pledges visible to this party.'));
      return;
    }
    replace(this.#body, h('table', { id: 'pledges' },
      h('thead', {}, h('tr', {}, ...['Pledge', 'Receipt', 'Goods', 'Loan', 'Maturity', 'Status', 'Covenants', 'Alerts'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...this.#pledges.map((p) => this.#row(p)))));
  }

  #row(p: PledgeLike): HTMLElement {
    const r = this.#receipts.get(p.receipt);
    const open = this.#alerts.filter((a) => a.pledge === p.id);
    const state = p.status === 'active' ? overallState(deriveCollateral(p.covenants, open)) : 'unknown';
    const row = h('tr', { class: 'clickable', 'data-pledge': p.id, 'data-covenants': state, tabindex: 0 },
      h('td', {}, h('code', {}, p.id)),
      h('td', {}, h('code', {}, p.receipt)),
      h('td', {}, r === undefined ? '—' : `${r.quantity ?? ''} ${r.unit ?? ''} ${r.commodity ?? ''}`),
      h('td', {}, `${p.amount ?? ''} ${p.currency ?? ''}`),
      h('td', {}, formatTime(p.maturity).slice(0, 10)),
      h('td', {}, p.status ?? ''),
      h('td', {}, p.status === 'active' ? badge(LABEL[state], TONE[state]) : h('span', { class: 'muted' }, '—')),
      h('td', {}, open.length === 0 ? h('span', { class: 'muted' }, '0') : badge(String(open.length), 'bad')));
    row.addEventListener('click', () => this.onOpen(p));
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.onOpen(p);
    });
    return row;
  }
}

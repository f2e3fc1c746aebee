// Open alerts: a list that live events update in place (new ones flash), and the "Resolve…" dialog that shows the
// CLI command to sign the resolution (see model/resolve-command.ts for why the browser does not sign).
import type { AlertLike } from '../model/collateral.js';
import { resolveCommand } from '../model/resolve-command.js';
import { ago, badge, formatTime, h, replace } from './dom.js';

export interface AlertListOptions {
  /** The signing party for the resolve command, when known (the bank or warehouse signed in). */
  party(): string | undefined;
  /** Called when an alert's receipt or pledge link is clicked. */
  open?(alert: AlertLike): void;
}

const SEVERITY_TONE = { critical: 'bad', warning: 'warn', info: 'info' } as const;

export class AlertList {
  readonly el: HTMLElement;
  readonly #items = new Map<string, AlertLike>();
  readonly #fresh = new Set<string>();
  readonly #list: HTMLUListElement;
  readonly #count: HTMLElement;

  constructor(private readonly opts: AlertListOptions) {
    this.#list = h('ul', { class: 'alerts', id: 'alerts' });
    this.#count = h('span', { class: 'muted' });
    this.el = h('section', { class: 'card', id: 'alerts-card' }, h('h2', {}, 'Open alerts ', this.#count), this.#list);
  }

  get open(): readonly AlertLike[] {
    return [...this.#items.values()];
  }

  setAll(alerts: readonly AlertLike[]): void {
    this.#items.clear();
    for (const a of alerts) if (a.status !== 'resolved') this.#items.set(a.id, a);
    this.render();
  }

  /** Adds or updates an alert from a live event (resolved ones leave the list). Returns whether it is new. */
  upsert(alert: AlertLike): boolean {
    const isNew = !this.#items.has(alert.id);
    if (alert.status === 'resolved') this.#items.delete(alert.id);
    else {
      this.#items.set(alert.id, alert);
      if (isNew) this.#fresh.add(alert.id);
    }
    this.render();
    return isNew && alert.status !== 'resolved';
  }

  render(): void {
    const items = [...this.#items.values()].sort((a, b) => (b.observedAt ?? '').localeCompare(a.observedAt ?? '') || b.id.localeCompare(a.id));
    this.#count.textContent = `(${items.length})`;
    if (items.length === 0) {
      replace(this.#list, h('li', { class: 'empty' }, 'No open alerts.'));
      return;
    }
    replace(this.#list, ...items.map((a) => this.#item(a)));
    this.#fresh.clear();
  }

  #item(a: AlertLike): HTMLElement {
    const sev = a.severity ?? 'info';
    const tone = SEVERITY_TONE[sev as keyof typeof SEVERITY_TONE] ?? 'info';
    return h('li', { class: `sev-${sev}${this.#fresh.has(a.id) ? ' fresh' : ''}`, 'data-alert': a.id },
      h('div', { class: 'alert-head' },
        badge(sev, tone), h('strong', {}, a.covenant ?? 'alert'),
        h('span', { class: 'alert-meta' }, `${a.id} · ${ago(a.observedAt)}`)),
      h('div', {}, a.message ?? ''),
      h('div', { class: 'alert-meta' },
        a.receipt === undefined ? '' : h('a', { href: a.pledge === undefined ? `/verify/${a.receipt}` : `#${a.pledge}`, onclick: (e: Event) => {
          if (a.pledge !== undefined && this.opts.open !== undefined) {
            e.preventDefault();
            this.opts.open(a);
          }
        } }, a.pledge ?? a.receipt),
        ' · ',
        h('button', { type: 'button', class: 'link-button', onclick: () => this.#resolveDialog(a) }, 'Resolve…')));
  }

  #resolveDialog(a: AlertLike): void {
    const party = this.opts.party() ?? '<your-party-id>';
    const text = h('textarea', { rows: 2, class: 'wide', 'aria-label': 'Resolution' });
    const cmd = h('pre', { class: 'cli', id: 'resolve-command' });
    const update = (): void => {
      cmd.textContent = resolveCommand({ alert: a.id, party, resolution: text.value, url: location.origin });
    };
    text.addEventListener('input', update);
    update();
    const dialog = h('dialog', { id: 'resolve-dialog' },
      h('h2', {}, `Resolve ${a.id}`),
      h('p', {}, `Observed ${formatTime(a.observedAt)}: ${a.message ?? ''}`),
      h('p', { class: 'muted small' },
        'Resolving is a ledger transaction signed with your party key, which this page never holds. Describe what was done, then run this where your key file is:'),
      text, cmd,
      h('p', { class: 'muted small' }, 'The alert leaves this list by itself once the resolution is in the log.'),
      h('form', { method: 'dialog' },
        h('button', { type: 'button', class: 'secondary', onclick: () => void navigator.clipboard?.writeText(cmd.textContent ?? '') }, 'Copy command'), ' ',
        h('button', { type: 'submit' }, 'Close')));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }
}

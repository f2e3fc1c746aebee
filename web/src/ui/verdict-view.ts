// How a verification outcome looks: a banner (valid / not valid with the specific reason, or "could not check"
// when the registry was unreachable — which is neither), the list of checks that ran, and status badges.
import type { PublicStatus } from '../verify/verify-receipt.js';
import { FAILURE_TITLES, type CheckId, type Step, type Verdict } from '../verify/verdict.js';
import { badge, h } from './dom.js';

const CHECK_NAMES: Readonly<Record<CheckId, string>> = {
  'log-key': 'Log key',
  checkpoint: 'Signed checkpoint',
  inclusion: 'Inclusion in the log',
  entry: 'Ledger entry',
  signatures: 'Transaction signatures',
  creation: 'Created this receipt',
  consistency: 'Consistent with earlier checkpoints',
};

export function verdictBanner<T>(verdict: Verdict<T>, validTitle: string, validText: string): HTMLElement {
  if (verdict.ok) {
    return h('div', { class: 'verdict verdict-valid', role: 'status', 'data-verdict': 'valid' },
      h('div', { class: 'verdict-mark', 'aria-hidden': 'true' }, '✓'),
      h('div', {}, h('h2', {}, validTitle), h('p', {}, validText)));
  }
  return h('div', { class: 'verdict verdict-invalid', role: 'alert', 'data-verdict': 'invalid', 'data-code': verdict.code },
    h('div', { class: 'verdict-mark', 'aria-hidden': 'true' }, '✕'),
    h('div', {}, h('h2', {}, `Not valid: ${FAILURE_TITLES[verdict.code]}`), h('p', { class: 'verdict-reason' }, verdict.reason)));
}

/** Neither valid nor invalid: the check could not be made. */
export function unavailableBanner(title: string, text: string): HTMLElement {
  return h('div', { class: 'verdict verdict-unknown', role: 'status', 'data-verdict': 'unavailable' },
    h('div', { class: 'verdict-mark', 'aria-hidden': 'true' }, '?'),
    h('div', {}, h('h2', {}, title), h('p', {}, text)));
}

export function stepsList(steps: readonly Step[]): HTMLElement {
  return h('details', { class: 'steps' },
    h('summary', {}, `How this was checked (${steps.filter((s) => s.ok).length} of ${steps.length} checks passed)`),
    h('ol', {}, ...steps.map((s) =>
      h('li', { class: s.ok ? 'step-ok' : 'step-fail' },
        h('span', { class: 'step-mark', 'aria-hidden': 'true' }, s.ok ? '✓' : '✕'),
        h('span', {}, h('strong', {}, CHECK_NAMES[s.check]), ' — ', s.detail)))));
}

const STATUS_VIEW: Readonly<Record<PublicStatus, [string, 'ok' | 'warn' | 'bad' | 'info' | 'muted']>> = {
  active: ['Active', 'ok'],
  pledged: ['Pledged', 'warn'],
  redeemed: ['Redeemed', 'muted'],
  inoperative: ['Inoperative', 'muted'],
  paper: ['Converted to paper', 'info'],
};

const STATUS_TEXT: Readonly<Record<PublicStatus, string>> = {
  active: 'Operative, with no lien on it.',
  pledged: 'Operative and under a lien: it cannot move without the lienholder.',
  redeemed: 'The goods were delivered out of the warehouse; the receipt has ended.',
  inoperative: 'Replaced by other receipts (split, merged or partly released); this one no longer counts.',
  paper: 'Converted to a paper receipt; the electronic record is inoperative.',
};

export function statusBadge(status: PublicStatus): HTMLElement {
  const [text, tone] = STATUS_VIEW[status];
  const el = badge(text, tone);
  el.dataset['status'] = status;
  return el;
}

export function statusText(status: PublicStatus): string {
  return STATUS_TEXT[status];
}

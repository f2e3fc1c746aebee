// The QR-code path: fetch what the registry says about a receipt and verify it here, in the browser. Shows valid /
// not valid with the specific reason, the public status (nothing commercial: no holder, lender or loan terms) and
// the checks that ran. Remembers the verified checkpoint for the next visit's fork check.
import { logKeyName } from '../verify/log-key-name.js';
import { forgetSeen, recallSeen, rememberSeen, type KeyValueStorage } from '../verify/seen-checkpoints.js';
import { CheckFailure, type Verdict } from '../verify/verdict.js';
import { verifyReceiptOnline, type OnlineResult } from '../verify/verify-receipt.js';
import { ApiError, getJson, getText } from './api.js';
import { facts, formatTime, h, replace } from './dom.js';
import { RegistryLookups } from './registry-lookups.js';
import { statusBadge, statusText, stepsList, unavailableBanner, verdictBanner } from './verdict-view.js';

export type OnlineOutcome = { readonly kind: 'checked'; readonly verdict: Verdict<OnlineResult> } | { readonly kind: 'unavailable'; readonly message: string };

function notFound(receiptId: string): Verdict<OnlineResult> {
  const e = new CheckFailure('entry', 'RECEIPT_NOT_FOUND', `This registry has no receipt '${receiptId}'. Check the id; a receipt that was never issued here cannot be valid.`);
  return { ok: false, steps: [{ check: e.check, ok: false, detail: e.message }], code: e.code, reason: e.message };
}

/** Fetches and verifies; remembers the newest checkpoint when valid. Never throws for registry problems. */
export async function checkReceiptOnline(receiptId: string, storage: KeyValueStorage, lookups: RegistryLookups): Promise<OnlineOutcome> {
  let response: unknown;
  let logKey: string;
  try {
    [response, logKey] = await Promise.all([getJson(`/v1/verify/${encodeURIComponent(receiptId)}`), getText('/v1/ledger/key')]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.code !== 'HTTP_404') return { kind: 'checked', verdict: notFound(receiptId) };
    return { kind: 'unavailable', message: e instanceof ApiError ? e.message : String(e) };
  }
  const name = logKeyName(logKey);
  const seen = name === undefined ? undefined : recallSeen(storage, name);
  try {
    const verdict = await verifyReceiptOnline({ receiptId, logKey, response, ...(seen === undefined ? {} : { seen }) }, lookups);
    if (verdict.ok && name !== undefined) rememberSeen(storage, name, logKey.trim(), verdict.value.newest, new Date().toISOString());
    return { kind: 'checked', verdict };
  } catch (e) {
    return { kind: 'unavailable', message: `the registry stopped answering during the check (${(e as Error).message})` };
  }
}

async function receiptFacts(result: OnlineResult, lookups: RegistryLookups): Promise<HTMLElement> {
  const r = result.response;
  const warehouse = await lookups.summary(r.warehouse);
  return facts([
    ['Receipt', h('code', {}, r.receipt)],
    ['Status', h('span', {}, statusBadge(r.status), ' ', h('span', { class: 'muted' }, statusText(r.status)))],
    ['Under a lien', h('span', { 'data-field': 'lien' }, r.underLien ? 'Yes' : 'No')],
    ['Issuing warehouse', warehouse.name === warehouse.id ? warehouse.id : `${warehouse.name} (${warehouse.id})`],
    ['Recorded', `${formatTime(result.entry.time)} · entry ${result.entry.index} (${result.entry.tx.type})`],
    ['Status as of', `checkpoint ${result.checkpoint.size} of log ${result.checkpoint.origin}; last changed by entry ${r.lastChangedIndex}`],
  ]);
}

function memoryNote(storage: KeyValueStorage, logKey: string | undefined, onForget: () => void): HTMLElement | undefined {
  const name = logKey === undefined ? undefined : logKeyName(logKey);
  const seen = name === undefined ? undefined : recallSeen(storage, name);
  if (name === undefined || seen === undefined) return undefined;
  return h('p', { class: 'memory muted' },
    `This browser remembers checkpoint ${seen.size} of ${name} (verified ${formatTime(seen.seenAt)}) and will refuse a registry that contradicts it. `,
    h('button', { type: 'button', class: 'link-button', onclick: () => { forgetSeen(storage, name); onForget(); } }, 'Forget it'));
}

/** Renders an outcome into `target`; `recheck` runs the check again (after the browser forgot the log). */
export async function renderOnline(
  target: HTMLElement, receiptId: string, outcome: OnlineOutcome, storage: KeyValueStorage, lookups: RegistryLookups, recheck: () => void,
): Promise<void> {
  if (outcome.kind === 'unavailable') {
    replace(target, unavailableBanner('Could not check this receipt', `${outcome.message[0]?.toUpperCase() ?? ''}${outcome.message.slice(1)}. Nothing was concluded; try again later.`));
    return;
  }
  const v = outcome.verdict;
  const key = await getText('/v1/ledger/key').catch(() => undefined);
  replace(target,
    verdictBanner(v, 'Valid receipt', 'Verified in this browser: the registry\'s signed log contains the entry that created this receipt, signed by the parties shown in the log.'),
    v.ok ? await receiptFacts(v.value, lookups) : facts([['Receipt', h('code', {}, receiptId)]]),
    stepsList(v.steps),
    memoryNote(storage, key, recheck));
}

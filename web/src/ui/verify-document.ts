// The "verify a PDF" drop zone: takes a receipt PDF (or its evidence.json), extracts the embedded evidence and
// verifies it here — offline first, then against this registry's current checkpoint when it answers (same log key,
// consistent history) — and shows the receipt's current public status.
import { logKeyName } from '../verify/log-key-name.js';
import { recallSeen, rememberSeen, type KeyValueStorage } from '../verify/seen-checkpoints.js';
import { CheckFailure, type Verdict } from '../verify/verdict.js';
import { EVIDENCE_FILE, EvidenceFormatError, parseEvidence, verifyEvidence, type EvidenceResult, type ReceiptEvidence } from '../verify/verify-evidence.js';
import { getText } from './api.js';
import { facts, formatTime, h, replace } from './dom.js';
import { looksLikePdf, pdfAttachment, PdfUnavailableError } from './pdf-attachment.js';
import { RegistryLookups } from './registry-lookups.js';
import { statusBadge, stepsList, unavailableBanner, verdictBanner } from './verdict-view.js';
import { checkReceiptOnline } from './verify-online.js';

const MAX_FILE_BYTES = 32 * 1024 * 1024;

function malformed(message: string): Verdict<EvidenceResult> {
  const e = new CheckFailure('entry', 'EVIDENCE_MALFORMED', message);
  return { ok: false, steps: [{ check: e.check, ok: false, detail: e.message }], code: e.code, reason: e.message };
}

/** The evidence in a dropped file, or a verdict / message saying why there is none. */
async function evidenceOf(file: File): Promise<ReceiptEvidence | { verdict: Verdict<EvidenceResult> } | { unavailable: string }> {
  if (file.size > MAX_FILE_BYTES) return { unavailable: `${file.name} is larger than ${MAX_FILE_BYTES >> 20} MiB; a receipt PDF is far smaller` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let json: Uint8Array | undefined = bytes;
  if (looksLikePdf(bytes)) {
    try {
      json = await pdfAttachment(bytes, EVIDENCE_FILE);
    } catch (e) {
      if (e instanceof PdfUnavailableError) return { unavailable: e.message };
      return { verdict: malformed(`${file.name} is not a readable PDF: ${(e as Error).message}.`) };
    }
    if (json === undefined) return { verdict: malformed(`${file.name} has no embedded ${EVIDENCE_FILE}: it is not a Ledgerhouse receipt PDF, or its evidence was removed.`) };
  }
  try {
    return parseEvidence(json);
  } catch (e) {
    if (e instanceof EvidenceFormatError) return { verdict: malformed(`${e.message}.`) };
    throw e;
  }
}

/** The registry's key and current checkpoint, or nothing when it does not answer (then the check is offline). */
async function registryView(): Promise<{ registryKey?: string; registryCheckpoint?: string }> {
  try {
    const [registryKey, registryCheckpoint] = await Promise.all([getText('/v1/ledger/key'), getText('/v1/ledger/checkpoint')]);
    return { registryKey, registryCheckpoint };
  } catch {
    return {};
  }
}

async function currentStatus(receiptId: string, storage: KeyValueStorage, lookups: RegistryLookups): Promise<HTMLElement> {
  const outcome = await checkReceiptOnline(receiptId, storage, lookups);
  if (outcome.kind === 'unavailable') return h('span', { class: 'muted' }, 'not available (registry unreachable)');
  if (!outcome.verdict.ok) return h('span', { class: 'text-bad' }, `the registry's record does not verify: ${outcome.verdict.reason}`);
  const r = outcome.verdict.value.response;
  return h('span', {}, statusBadge(r.status), r.underLien ? ' under a lien' : ' no lien');
}

/** Verifies a dropped file and renders the outcome into `target`. */
export async function verifyDocument(file: File, target: HTMLElement, storage: KeyValueStorage, lookups: RegistryLookups): Promise<void> {
  replace(target, h('p', { class: 'muted' }, `Checking ${file.name}…`));
  const found = await evidenceOf(file);
  if ('unavailable' in found) {
    replace(target, unavailableBanner('Could not read this file', found.unavailable));
    return;
  }
  if ('verdict' in found) {
    replace(target, verdictBanner(found.verdict, '', ''), stepsList(found.verdict.steps));
    return;
  }
  const name = logKeyName(found.verifierKey);
  const seen = name === undefined ? undefined : recallSeen(storage, name);
  const registry = await registryView();
  const online = registry.registryCheckpoint !== undefined;
  const verdict = await verifyEvidence(found, {
    ...registry, ...(seen === undefined ? {} : { seen }), ...(online ? { consistency: lookups.consistency } : {}),
  }).catch((e: unknown) => ({ error: (e as Error).message }));
  if ('error' in verdict) {
    replace(target, unavailableBanner('Could not finish the check', `The registry stopped answering (${verdict.error}).`));
    return;
  }
  if (verdict.ok && online && name !== undefined && registry.registryKey !== undefined) {
    rememberSeen(storage, name, registry.registryKey.trim(), verdict.value.newest, new Date().toISOString());
  }
  const v = verdict.ok ? verdict.value : undefined;
  replace(target,
    verdictBanner(verdict, 'Valid receipt document',
      online ? 'Every entry in this document is in the registry\'s log, correctly signed, and consistent with the registry today.' : 'Checked offline: every entry is in the document\'s signed checkpoint and correctly signed.'),
    v === undefined ? undefined : facts([
      ['Receipt', h('code', {}, v.receiptId)],
      ['Created', `${formatTime(v.created.time)} · entry ${v.created.index} (${v.created.tx.type})`],
      ['Document evidence', `${v.entries.length} entries, ${v.signatures} signatures, checkpoint of size ${v.checkpoint.size}`],
      ['Status today', online ? await currentStatus(v.receiptId, storage, lookups) : h('span', { class: 'muted' }, 'not available offline')],
    ]),
    stepsList(verdict.steps));
}

/** Wires a drop zone (drag and drop, or click to choose a file) to `onFile`. */
export function dropZone(onFile: (file: File) => void): HTMLElement {
  const input = h('input', { type: 'file', accept: '.pdf,application/pdf,.json,application/json', class: 'visually-hidden', id: 'document-input' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) onFile(file);
    input.value = '';
  });
  const zone = h('label', { class: 'dropzone', for: 'document-input' },
    h('strong', {}, 'Verify a receipt PDF'),
    h('span', { class: 'muted' }, 'Drop the PDF here, or tap to choose it. It is checked in this browser and not uploaded.'),
    input);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dropzone-active');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dropzone-active'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dropzone-active');
    const file = e.dataTransfer?.files[0];
    if (file !== undefined) onFile(file);
  });
  return zone;
}

// /verify/{id}: the public verifier, the target of the QR code on receipt PDFs. /verify alone asks for an id.
import { byId, h, replace } from '../ui/dom.js';
import { persistentStorage } from '../ui/browser-storage.js';
import { RegistryLookups } from '../ui/registry-lookups.js';
import { dropZone, verifyDocument } from '../ui/verify-document.js';
import { checkReceiptOnline, renderOnline } from '../ui/verify-online.js';

const storage = persistentStorage();

function receiptIdFromPath(): string | undefined {
  const rest = location.pathname.replace(/^\/verify\/?/, '');
  if (rest === '') return undefined;
  try {
    return decodeURIComponent(rest).trim() || undefined;
  } catch {
    return rest;
  }
}

function idForm(): HTMLElement {
  const input = h('input', { type: 'text', name: 'id', placeholder: 'rc-000000000042', autocomplete: 'off', spellcheck: false, 'aria-label': 'Receipt id', required: true });
  return h('form', {
    class: 'id-form',
    onsubmit: (e: Event) => {
      e.preventDefault();
      const id = input.value.trim();
      if (id !== '') location.assign(`/verify/${encodeURIComponent(id)}`);
    },
  }, input, h('button', { type: 'submit' }, 'Verify'));
}

async function check(id: string, target: HTMLElement): Promise<void> {
  replace(target, h('p', { class: 'muted checking' }, `Checking ${id} against the registry's signed log…`));
  const lookups = new RegistryLookups();
  const outcome = await checkReceiptOnline(id, storage, lookups);
  await renderOnline(target, id, outcome, storage, lookups, () => void check(id, target));
}

function main(): void {
  const id = receiptIdFromPath();
  const result = h('section', { id: 'result', class: 'card', 'aria-live': 'polite' });
  const documentResult = h('section', { id: 'document-result', 'aria-live': 'polite' });
  replace(byId('app'),
    h('header', { class: 'masthead' },
      h('a', { href: '/verify', class: 'brand' }, 'Ledgerhouse'),
      h('span', { class: 'muted' }, 'Receipt verifier')),
    h('h1', {}, id === undefined ? 'Verify a warehouse receipt' : 'Receipt verification'),
    id === undefined ? h('section', { class: 'card' }, h('p', {}, 'Enter the receipt id printed on the document, or scan its QR code.'), idForm()) : result,
    h('section', { class: 'card' }, dropZone((file) => void verifyDocument(file, documentResult, storage, new RegistryLookups())), documentResult),
    h('footer', { class: 'muted small' },
      'Everything is checked in this browser with the registry\'s public log key: Ed25519 signatures, RFC 6962 Merkle proofs and C2SP signed checkpoints. ',
      'This page shows whether a receipt is genuine and its status — never who holds it or the terms of any loan.'));
  if (id !== undefined) void check(id, result);
}

main();

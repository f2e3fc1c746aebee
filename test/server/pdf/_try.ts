import { writeFileSync } from 'node:fs';
import { openHarness } from '../../support/ledger-harness.js';
import { registerCast, runLifecycle } from '../../support/lifecycle.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { buildReceiptDossier } from '../../../server/pdf/receipt-dossier.js';
import { renderReceiptPdf } from '../../../server/pdf/render-receipt.js';
const h = await openHarness('sqlite');
const cast = await registerCast(h);
const { r1, r2 } = await runLifecycle(h, cast);
const deps = { store: h.store, reader: new LogReader(h.store), verifierKey: h.signer.verifierKey, publicBaseUrl: 'https://registry.example/' };
for (const id of [r1, r2]) {
  const t0 = performance.now();
  const d = await buildReceiptDossier(deps, id);
  const t1 = performance.now();
  const pdf = await renderReceiptPdf(d!);
  const t2 = performance.now();
  console.log(id, d!.size, d!.history.map((e) => e.index), d!.keyEntries.map((e) => e.index), pdf.length, (t1 - t0).toFixed(1), (t2 - t1).toFixed(1));
  writeFileSync(`/tmp/pdfout/${id}.pdf`, pdf);
}
const d8 = await buildReceiptDossier(deps, r1, 12);
console.log(d8?.receipt.status, d8?.pledge?.status, d8?.size);
await h.close();

import assert from 'node:assert/strict';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import { verifyInclusion } from '../../../ledger/merkle/verify.js';
import { EVIDENCE_FORMAT } from '../../../server/pdf/evidence.js';
import { readPdf } from '../../../server/pdf/read-pdf.js';
import { buildReceiptDossier } from '../../../server/pdf/receipt-dossier.js';
import { AUTHORITY_STATEMENT, renderReceiptPdf } from '../../../server/pdf/render-receipt.js';
import { verifyReceiptPdf } from '../../../server/pdf/verify-pdf.js';
import { dossier, evidenceOf, flat, hasPdftoppm, lifecycleLedger, PUBLIC_URL, readQrOnPage1, type Ledger } from './pdf-kit.js';

describe('receipt PDF: dossier and rendering', function () {
  this.timeout(60_000);
  let l: Ledger;
  let size: number;
  let pdf: Buffer;
  let text: string;

  before(async () => {
    l = await lifecycleLedger();
    size = await l.h.store.size();
    pdf = await renderReceiptPdf(await dossier(l, l.r1));
    text = flat((await readPdf(pdf, { withText: true })).pages!.join('\n'));
  });
  after(() => l.h.close());

  it('When the dossier is built at the latest size, then it holds the receipt, its lien and every entry that refers to it, each proven at that size', async () => {
    const d = await dossier(l, l.r1);
    assert.equal(d.size, size);
    assert.equal(d.receipt.id, l.r1);
    assert.equal(d.receipt.status, 'active');
    assert.equal(d.pledge?.status, 'released');
    assert.deepEqual(d.history.map((e) => e.entry.tx.type), ['receipt.issue', 'pledge.create', 'pledge.release']);
    assert.match(d.checkpoint, new RegExp(`^test\\.ledgerhouse/log\\n${size}\\n`));
    for (const e of [...d.history, ...d.keyEntries]) {
      assert.ok(verifyInclusion(hashLeaf(e.leaf), e.index, size, e.proof, d.rootHash), `entry ${e.index}`);
    }
    assert.deepEqual(d.keyEntries.map((e) => e.entry.tx.type), ['ledger.genesis', 'party.register', 'party.register', 'party.register']);
    assert.equal(d.publicBaseUrl, PUBLIC_URL);
  });

  it('When the dossier is asked at an older size, then the receipt and lien are as they stood then and the proofs are at that size', async () => {
    const release = (await dossier(l, l.r1)).history.at(-1)!.index;
    const d = await dossier(l, l.r1, release); // the tree just before the release
    assert.equal(d.size, release);
    assert.equal(d.receipt.status, 'pledged');
    assert.equal(d.pledge?.status, 'active');
    assert.deepEqual(d.history.map((e) => e.entry.tx.type), ['receipt.issue', 'pledge.create']);
    for (const e of d.history) assert.ok(verifyInclusion(hashLeaf(e.leaf), e.index, release, e.proof, d.rootHash));
  });

  it('When the receipt does not exist, or did not yet at that size, then there is no dossier', async () => {
    assert.equal(await buildReceiptDossier(l.deps, 'rc-000000009999'), undefined);
    const issued = (await dossier(l, l.r2)).history[0]!.index;
    assert.equal(await buildReceiptDossier(l.deps, l.r2, issued), undefined);
  });

  it('When no checkpoint was signed at the size asked, then it says INDEX_OUT_OF_RANGE', async () => {
    await assert.rejects(buildReceiptDossier(l.deps, l.r1, size + 5), { code: 'INDEX_OUT_OF_RANGE' });
    await assert.rejects(buildReceiptDossier(l.deps, l.r1, 0), { code: 'INDEX_OUT_OF_RANGE' });
  });

  it('When the PDF is parsed back, then its text shows every receipt field, the holder, the lien, the status as of the size and the statement', () => {
    const d = { warehouse: 'wh-north', site: 'north-1 / B7', lot: 'LOT-1', commodity: 'copper cathodes', grade: 'Grade A', quantity: '40.000 t' };
    for (const [label, value] of Object.entries(d)) assert.ok(text.includes(value), `${label} ${value}`);
    assert.match(text, /Expiry none \(not perishable\)/);
    assert.match(text, /Certificates none/);
    assert.match(text, /Holder alice \(test\) \(alice\)/);
    assert.match(text, /Bank \(lienholder\) bank-a \(test\) \(bank-a\)/);
    assert.match(text, /Amount 250000\.00 USD/);
    assert.match(text, /Maturity 2027-06-30T00:00:00Z/);
    assert.match(text, /Status RELEASED/);
    assert.match(text, new RegExp(`Status: ACTIVE .* as of ledger size ${size} at 2026-11-24T00:00:00\\.000Z`));
    assert.match(text, /Pledged to bank-a: 250000\.00 USD/);
    assert.match(text, /Lien pl-\d{12} released \(repaid, instruction RI-1\)/);
    assert.ok(text.includes(AUTHORITY_STATEMENT), 'the authority statement');
  });

  it('When a transferred receipt is rendered, then its history table shows the endorsement and the new holder', async () => {
    const r2 = flat((await readPdf(await renderReceiptPdf(await dossier(l, l.r2)), { withText: true })).pages!.join('\n'));
    assert.match(r2, /Issued by wh-north to bob: 25\.000 t of lot LOT-1/);
    assert.match(r2, /Endorsed to alice bob/); // event, then its signer
    assert.match(r2, /Holder alice \(test\) \(alice\)/);
    assert.match(r2, /Lien none recorded/);
  });

  it('When the PDF is opened, then evidence.json is attached with every entry, its proof, the checkpoint and the log key', async () => {
    const ev = await evidenceOf(pdf);
    const d = await dossier(l, l.r1);
    assert.equal(ev.format, EVIDENCE_FORMAT);
    assert.equal(ev.receiptId, l.r1);
    assert.equal(ev.size, size);
    assert.equal(ev.checkpoint, d.checkpoint);
    assert.equal(ev.verifierKey, l.h.signer.verifierKey);
    assert.deepEqual(ev.entries.map((e) => e.index), d.history.map((e) => e.index));
    assert.equal(ev.entries[0]!.leaf, Buffer.from(d.history[0]!.leaf).toString('base64'));
    assert.deepEqual(ev.entries[0]!.proof, d.history[0]!.proof.map((p) => Buffer.from(p).toString('hex')));
  });

  it('When the same receipt is rendered twice at the same size, then the bytes are identical; at another size they differ', async () => {
    const again = await renderReceiptPdf(await dossier(l, l.r1));
    assert.ok(again.equals(pdf), 'same inputs, same bytes');
    const older = await renderReceiptPdf(await dossier(l, l.r1, size - 1));
    assert.ok(!older.equals(pdf));
    assert.match(pdf.toString('latin1'), /\/CreationDate \(D:20261124000000Z\)/); // the ledger's time, not the clock's
  });

  it('When page 1 is rendered to pixels, then its QR code reads as the public verifier URL of the receipt', function () {
    if (!hasPdftoppm()) {
      console.log('      skipped: pdftoppm not installed (Debian package poppler-utils)');
      this.skip();
    }
    assert.equal(readQrOnPage1(pdf), `${PUBLIC_URL}/verify/${l.r1}`);
  });
});

describe('receipt PDF: lineage', function () {
  this.timeout(60_000);
  let l: Ledger;
  let children: string[];

  before(async () => {
    l = await lifecycleLedger();
    const split = await l.h.submit('receipt.split', { receipt: l.r2, parts: ['10.000', '15.000'] }, [l.cast.alice]);
    children = [1, 2].map((n) => `rc-${String(split.index).padStart(12, '0')}-0${n}`);
  });
  after(() => l.h.close());

  it('When a receipt was split, then its PDF says it is inoperative and names the receipts that replaced it, and verifies', async () => {
    const pdf = await renderReceiptPdf(await dossier(l, l.r2));
    const text = flat((await readPdf(pdf, { withText: true })).pages!.join('\n'));
    assert.match(text, new RegExp(`Status: INOPERATIVE — split, replaced by ${children.join(', ')}`));
    assert.match(text, new RegExp(`Replaced by ${children.join(', ')} \\(split\\)`));
    assert.match(text, /Split into parts of 10\.000 \+ 15\.000/);
    assert.deepEqual((await verifyReceiptPdf(pdf, { trustedKey: l.h.signer.verifierKey })).checks.filter((c) => !c.ok), []);
  });

  it('When a part of a split is rendered, then it shows its parent and the split that created it, and verifies', async () => {
    const d = await dossier(l, children[1]!);
    assert.deepEqual(d.lineage.parents, [l.r2]);
    const pdf = await renderReceiptPdf(d);
    const text = flat((await readPdf(pdf, { withText: true })).pages!.join('\n'));
    assert.match(text, new RegExp(`Made from ${l.r2} \\(origin: split\\)`));
    assert.match(text, new RegExp(`Created by splitting ${l.r2}`));
    assert.match(text, /Quantity 15\.000 t/);
    const v = await verifyReceiptPdf(pdf, { trustedKey: l.h.signer.verifierKey });
    assert.deepEqual(v.checks.filter((c) => !c.ok), []);
    assert.equal(v.checks.find((c) => c.name === 'receipt creation')?.detail, `entry ${d.history[0]!.index} created ${children[1]} and is proven in the log`);
  });
});

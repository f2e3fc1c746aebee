// The receipt PDF: a human-readable copy of the ledger record as of one ledger size, with a QR code to the public
// verifier and the evidence (entries + inclusion proofs + signed checkpoint) embedded as `evidence.json`, so it
// can be verified offline. Same dossier → same bytes: the document dates are the ledger's time at that size, the
// document ID is derived from the document info (pdfkit: MD5 of the info dictionary, which names the receipt, the
// size and the root hash), fonts are the standard 14 (nothing embedded or subset), streams are left uncompressed
// (so the bytes do not depend on the zlib build either), and nothing reads the clock or a random source.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { toHex } from '../../ledger/encoding/bytes.js';
import type { Pledge, Receipt } from '../../contracts/state.js';
import { dossierEvidence, encodeEvidence, EVIDENCE_FILE } from './evidence.js';
import { shareFontMetrics } from './font-metrics.js';
import { historyRow } from './history-rows.js';
import { BOLD, contentWidth, type Doc, footers, FONT, heading, left, paragraph, qr, row, table } from './pdf-layout.js';
import type { ReceiptDossier } from './receipt-dossier.js';

export const AUTHORITY_STATEMENT =
  'This document is a copy of the authoritative record in the Ledgerhouse log; the ledger record, not this PDF, is the authoritative receipt.';

const QR_SIZE = 110;

/** The public verifier page for a receipt. */
export function verifierUrl(d: Pick<ReceiptDossier, 'publicBaseUrl' | 'receiptId'>): string {
  return `${d.publicBaseUrl}/verify/${encodeURIComponent(d.receiptId)}`;
}

export async function renderReceiptPdf(d: ReceiptDossier): Promise<Buffer> {
  const date = new Date(d.time);
  const doc = new PDFDocument({
    size: 'A4', margin: 50, pdfVersion: '1.7', bufferPages: true, lang: 'en', compress: false,
    info: {
      Title: `Warehouse receipt ${d.receiptId}`,
      Subject: `As of ledger size ${d.size}, root ${toHex(d.rootHash)}`,
      Author: 'Ledgerhouse', Creator: 'Ledgerhouse', Producer: 'Ledgerhouse (PDFKit)',
      CreationDate: date, ModDate: date,
    },
  });
  shareFontMetrics(doc);
  const bytes = collect(doc);
  const url = verifierUrl(d);
  title(doc, d, url);
  goods(doc, d);
  lien(doc, d.pledge, d.partyNames);
  lineage(doc, d.receipt, d.lineage);
  history(doc, d);
  verification(doc, d);
  attachEvidence(doc, d, date);
  footers(doc, `Ledgerhouse receipt ${d.receiptId} · as of ledger size ${d.size} · a copy; the ledger record is authoritative`);
  doc.end();
  return bytes;
}

function collect(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function party(names: ReadonlyMap<string, string>, id: string): string {
  const name = names.get(id);
  return name === undefined || name === id ? id : `${name} (${id})`;
}

function statusLine(r: Receipt): string {
  const words: Record<Receipt['status'], string> = {
    active: 'ACTIVE — operative, no lien',
    pledged: `PLEDGED — under lien ${r.pledge ?? '?'}`,
    redeemed: 'REDEEMED — goods delivered out; the receipt has ended',
    inoperative: `INOPERATIVE — ${r.inoperativeReason ?? 'replaced'}${r.successors?.length ? `, replaced by ${r.successors.join(', ')}` : ''}`,
  };
  const frozen = r.frozenBy.length > 0 ? `; FROZEN by open critical alert ${r.frozenBy.join(', ')}` : '';
  return `${words[r.status]}${frozen}`;
}

function title(doc: Doc, d: ReceiptDossier, url: string): void {
  const x = left(doc);
  const top = doc.y;
  const textWidth = contentWidth(doc) - QR_SIZE - 16;
  qr(doc, QRCode.create(url, { errorCorrectionLevel: 'M' }), x + contentWidth(doc) - QR_SIZE, top, QR_SIZE);
  doc.font(FONT).fontSize(7).fillColor('#555555')
    .text('Scan to check this receipt at', x + contentWidth(doc) - QR_SIZE, top + QR_SIZE + 2, { width: QR_SIZE, align: 'center' })
    .text(url, { width: QR_SIZE, align: 'center' });
  const qrBottom = doc.y;
  doc.font(BOLD).fontSize(18).fillColor('#111111').text('Electronic Warehouse Receipt', x, top, { width: textWidth });
  doc.font(FONT).fontSize(12).text(`Receipt ${d.receiptId}`, x, doc.y + 2, { width: textWidth });
  doc.moveDown(0.6);
  doc.font(BOLD).fontSize(10).text(`Status: ${statusLine(d.receipt)}`, { width: textWidth });
  doc.font(FONT).fontSize(9.5).text(`as of ledger size ${d.size} at ${d.time} (UTC)`, { width: textWidth });
  doc.moveDown(0.6);
  doc.font(BOLD).fontSize(9).text(AUTHORITY_STATEMENT, { width: textWidth });
  doc.y = Math.max(doc.y, qrBottom);
}

function goods(doc: Doc, d: ReceiptDossier): void {
  const r = d.receipt;
  heading(doc, 'Goods and custody');
  row(doc, 'Warehouse', party(d.partyNames, r.warehouse));
  row(doc, 'Site / bay', `${r.site} / ${r.bay}`);
  row(doc, 'Lot', r.lot);
  row(doc, 'Commodity', r.commodity);
  row(doc, 'Grade', r.grade);
  row(doc, 'Quantity', `${r.quantity} ${r.unit}`);
  row(doc, 'Expiry', r.expiry ?? 'none (not perishable)');
  row(doc, 'Certificates', r.certificates.length === 0
    ? 'none'
    : r.certificates.map((c) => `${party(d.partyNames, c.inspector)}: SHA-256 ${c.hash}`).join('\n'));
  row(doc, 'Holder', party(d.partyNames, r.holder));
  row(doc, 'Issued', `${r.issuedAt} (ledger entry ${r.issuedIndex}, origin: ${r.origin})`);
}

function lien(doc: Doc, p: Pledge | undefined, names: ReadonlyMap<string, string>): void {
  heading(doc, 'Lien');
  if (p === undefined) {
    row(doc, 'Lien', 'none recorded on this receipt');
    return;
  }
  row(doc, 'Pledge', p.id);
  row(doc, 'Status', p.status.toUpperCase());
  row(doc, 'Bank (lienholder)', party(names, p.bank));
  row(doc, 'Pledgor', party(names, p.holder));
  row(doc, 'Amount', `${p.amount} ${p.currency}`);
  row(doc, 'Maturity', p.maturity);
  row(doc, 'Created', `${p.createdAt} (ledger entry ${p.createdIndex})`);
  if (p.release !== undefined) row(doc, 'Released', `ledger entry ${p.release.index}: ${p.release.reason}, instruction ${p.release.reference}`);
  if (p.enforcement !== undefined) row(doc, 'Enforced', `ledger entry ${p.enforcement.index}: ${p.enforcement.notice}`);
}

function lineage(doc: Doc, r: Receipt, l: ReceiptDossier['lineage']): void {
  heading(doc, 'Lineage');
  row(doc, 'Made from', l.parents.length === 0 ? `none (origin: ${r.origin})` : `${l.parents.join(', ')} (origin: ${r.origin})`);
  row(doc, 'Replaced by', l.children.length === 0 ? 'none' : `${l.children.join(', ')} (${r.inoperativeReason ?? 'replaced'})`);
  if (r.paperSerial !== undefined) row(doc, 'Paper serial', r.paperSerial);
}

function history(doc: Doc, d: ReceiptDossier): void {
  heading(doc, 'Endorsement and lineage history');
  const rows = d.history.map((e) => historyRow(e.entry, d.receiptId));
  table(doc, [
    { title: 'Entry', width: 42 },
    { title: 'Ledger time (UTC)', width: 130, mono: true },
    { title: 'Event', width: contentWidth(doc) - 42 - 130 - 105 },
    { title: 'Signed by', width: 105 },
  ], rows.map((r) => [String(r.index), r.time, r.what, r.signedBy]));
}

function verification(doc: Doc, d: ReceiptDossier): void {
  heading(doc, 'Verification');
  row(doc, 'Log', d.checkpoint.slice(0, d.checkpoint.indexOf('\n'))); // C2SP tlog-checkpoint: line 1 is the origin
  row(doc, 'Ledger size', String(d.size));
  row(doc, 'Root hash', toHex(d.rootHash), { mono: true });
  row(doc, 'Log verifier key', d.verifierKey, { mono: true });
  row(doc, 'Evidence', `${EVIDENCE_FILE} is attached to this PDF: the exact bytes of the ${d.history.length} ledger entries above and of ` +
    `the ${d.keyEntries.length} entries that registered their signers' keys, each with its RFC 9162 inclusion proof, ` +
    `and the log's signed checkpoint at size ${d.size}.`);
  row(doc, 'Verify offline', `ledgerhouse verify-pdf <this file> --key '<the log's verifier key>' — check the key against ` +
    `the one the log publishes at /v1/ledger/key; without it the check proves only that the PDF is self-consistent.`);
  doc.moveDown(0.4);
  paragraph(doc, AUTHORITY_STATEMENT, { bold: true });
}

function attachEvidence(doc: Doc, d: ReceiptDossier, date: Date): void {
  // AFRelationship is in pdfkit but not in its type definitions.
  const options: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: EVIDENCE_FILE, type: 'application/json', creationDate: date, modifiedDate: date, relationship: 'Data',
    description: `Ledgerhouse evidence for receipt ${d.receiptId} at ledger size ${d.size}`,
  };
  doc.file(Buffer.from(encodeEvidence(dossierEvidence(d))), options);
}

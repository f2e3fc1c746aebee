// Shared fixtures for the receipt-PDF tests: a real SQLite ledger with a lifecycle (issue, transfer, pledge,
// release), dossiers and PDFs made from it, evidence re-embedded into a PDF by an incremental update (what any
// PDF editor does), and page 1 rendered to pixels with poppler's pdftoppm to read the QR code back.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { encodeEvidence, EVIDENCE_FILE, parseEvidence, type ReceiptEvidence } from '../../../server/pdf/evidence.js';
import { readPdf } from '../../../server/pdf/read-pdf.js';
import { buildReceiptDossier, type DossierDeps, type ReceiptDossier } from '../../../server/pdf/receipt-dossier.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { registerCast, runLifecycle, type Cast } from '../../support/lifecycle.js';
import { tempDir } from '../../support/temp-dir.js';

export const PUBLIC_URL = 'https://registry.example.org';

export interface Ledger {
  readonly h: LedgerHarness;
  readonly cast: Cast;
  readonly deps: DossierDeps;
  /** r1: issued to alice, pledged to bank-a, released. r2: issued to bob, endorsed to alice. */
  readonly r1: string;
  readonly r2: string;
}

export async function lifecycleLedger(): Promise<Ledger> {
  const h = await openHarness('sqlite');
  const cast = await registerCast(h);
  const { r1, r2 } = await runLifecycle(h, cast);
  const deps = { store: h.store, reader: new LogReader(h.store), verifierKey: h.signer.verifierKey, publicBaseUrl: `${PUBLIC_URL}/` };
  return { h, cast, deps, r1, r2 };
}

export async function dossier(l: Ledger, receiptId: string, atSize?: number): Promise<ReceiptDossier> {
  const d = await buildReceiptDossier(l.deps, receiptId, atSize);
  if (d === undefined) throw new Error(`no dossier for ${receiptId}`);
  return d;
}

export async function evidenceOf(pdf: Uint8Array): Promise<ReceiptEvidence> {
  const bytes = (await readPdf(pdf)).attachments.get(EVIDENCE_FILE);
  if (bytes === undefined) throw new Error('no evidence.json in the PDF');
  return parseEvidence(bytes);
}

/** Collapses runs of whitespace, so wrapped lines read as one sentence. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * `pdf` with its embedded evidence file replaced by `evidence`, as an incremental update (PDF 1.7 §7.5.6): a new
 * revision of the EmbeddedFile object, an xref section for it, and a trailer pointing back at the previous one.
 */
export function reembedEvidence(pdf: Uint8Array, evidence: ReceiptEvidence | Uint8Array): Buffer {
  const bytes = evidence instanceof Uint8Array ? evidence : encodeEvidence(evidence);
  const text = Buffer.from(pdf).toString('latin1');
  const obj = /(\d+) 0 obj\n<<\n\/Type \/EmbeddedFile/.exec(text)?.[1];
  const trailer = /trailer\n<<\n\/Size (\d+)\n\/Root (\d+ 0 R)\n\/Info (\d+ 0 R)\n\/ID (\[<[0-9a-f]+> <[0-9a-f]+>\])\n>>\nstartxref\n(\d+)\n%%EOF\n$/.exec(text);
  if (obj === undefined || trailer === null) throw new Error('not a PDF as pdfkit writes them');
  const [, size, root, info, id, prevXref] = trailer;
  const head = Buffer.from(`${obj} 0 obj\n<<\n/Type /EmbeddedFile\n/Subtype /application#2Fjson\n/Length ${bytes.length}\n>>\nstream\n`, 'latin1');
  const objectOffset = pdf.length;
  const body = Buffer.concat([head, Buffer.from(bytes), Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  const xrefOffset = objectOffset + body.length;
  const xref = `xref\n${obj} 1\n${String(objectOffset).padStart(10, '0')} 00000 n \n` +
    `trailer\n<<\n/Size ${size}\n/Root ${root}\n/Info ${info}\n/ID ${id}\n/Prev ${prevXref}\n>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(pdf), body, Buffer.from(xref, 'latin1')]);
}

/** Whether poppler's pdftoppm is installed (Debian package poppler-utils). */
export function hasPdftoppm(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// jsqr is a UMD bundle whose CommonJS export is the function itself; its typings describe an ES default export.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

/** Renders page 1 at 100 dpi in grey (PGM) with pdftoppm and decodes the first QR code found on it. */
export function readQrOnPage1(pdf: Uint8Array): string | undefined {
  const tmp = tempDir('lh-pdf-qr-');
  try {
    const file = path.join(tmp.dir, 'receipt.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '100', '-f', '1', '-l', '1', '-gray', file, path.join(tmp.dir, 'page')]);
    const pgm = readFileSync(path.join(tmp.dir, 'page-1.pgm'));
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1')); // netpbm binary greymap
    if (header === null) throw new Error('pdftoppm did not write an 8-bit PGM');
    const width = Number(header[1]);
    const height = Number(header[2]);
    const grey = pgm.subarray(header[0].length);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const v = grey[i]!;
      rgba.set([v, v, v, 255], i * 4);
    }
    return jsQR(rgba, width, height)?.data;
  } finally {
    tmp.remove();
  }
}

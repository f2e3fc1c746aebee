// Verifies a receipt PDF offline: reads its embedded `evidence.json` (read-pdf.ts: the file any PDF viewer would
// show) and checks the evidence with the ledger's pure code (verify-evidence.ts). Also checks that the document's
// title names the receipt the evidence concerns, so evidence cannot be swapped between documents unnoticed. The
// text printed on the pages is a rendering and is not itself checked: the evidence and the ledger record count.
import { readPdf, type PdfContents } from './read-pdf.js';
import { EVIDENCE_FILE, EvidenceFormatError, parseEvidence } from './evidence.js';
import { type PdfCheck, type PdfVerdict, verifyEvidence, type VerifyOptions } from './verify-evidence.js';

export type { PdfCheck, PdfVerdict, VerifyOptions } from './verify-evidence.js';

function failed(name: string, detail: string): PdfVerdict {
  return { ok: false, receiptId: '', size: 0, keyTrusted: false, checks: [{ name, ok: false, detail }] };
}

export async function verifyReceiptPdf(pdfBytes: Uint8Array, opts: VerifyOptions = {}): Promise<PdfVerdict> {
  let contents: PdfContents;
  try {
    contents = await readPdf(pdfBytes);
  } catch (e) {
    return failed('pdf', `not a readable PDF: ${(e as Error).message}`);
  }
  const bytes = contents.attachments.get(EVIDENCE_FILE);
  if (bytes === undefined) {
    const names = [...contents.attachments.keys()];
    return failed('evidence', `the PDF has no embedded ${EVIDENCE_FILE} (embedded files: ${names.length === 0 ? 'none' : names.join(', ')})`);
  }
  let evidence;
  try {
    evidence = parseEvidence(bytes);
  } catch (e) {
    if (e instanceof EvidenceFormatError) return failed('evidence', e.message);
    throw e;
  }
  const head: PdfCheck[] = [
    {
      name: 'evidence', ok: true,
      detail: `${EVIDENCE_FILE} (${bytes.length} bytes): ${evidence.entries.length} entries and ` +
        `${evidence.keyEntries.length} key entries at ledger size ${evidence.size}`,
    },
    titleCheck(contents.title, evidence.receiptId),
  ];
  const verdict = verifyEvidence(evidence, opts);
  const checks = [...head, ...verdict.checks];
  return { ...verdict, ok: checks.every((c) => c.ok), checks };
}

function titleCheck(title: string | undefined, receiptId: string): PdfCheck {
  const words = (title ?? '').split(/\s+/);
  const ok = words.includes(receiptId);
  return {
    name: 'document',
    ok,
    detail: ok
      ? `the document is titled for receipt ${receiptId}, the receipt the evidence concerns`
      : `the document title ${JSON.stringify(title ?? '')} does not name ${receiptId}, the receipt the evidence concerns`,
  };
}

// Worker thread for read-pdf.ts: parses one untrusted PDF with Mozilla's pdf.js (legacy build, the one for
// Node) and posts back its title, embedded files and, when asked, the text of each page. Plain JavaScript and
// started without the parent's loader flags, so pdf.js's large modules load as they are, untransformed.
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

async function pageTexts(doc) {
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  return pages;
}

async function read({ bytes, withText }) {
  const doc = await getDocument({
    data: bytes, isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0,
  }).promise;
  try {
    const raw = (await doc.getAttachments()) ?? {};
    const attachments = [];
    for (const a of Object.values(raw)) {
      if (typeof a.filename === 'string' && a.content instanceof Uint8Array) attachments.push([a.filename, a.content]);
    }
    const { info } = await doc.getMetadata();
    const title = typeof info?.Title === 'string' ? info.Title : undefined;
    return { title, attachments, pages: withText ? await pageTexts(doc) : undefined };
  } finally {
    await doc.destroy();
  }
}

read(workerData).then(
  (result) => parentPort.postMessage({ ok: true, result }),
  (e) => parentPort.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }),
);

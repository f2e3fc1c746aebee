// Reading the embedded `evidence.json` out of a receipt PDF. PDF parsing is left to Mozilla's pdf.js (the
// `pdfjs-dist` package, shipped with our static assets by web/build.ts and loaded only when a PDF is dropped, so the
// verifier page stays small). Its `getAttachments()` lists the PDF's embedded files (PDF 32000-1 §7.11.4).

/** Where web/build.ts puts pdf.js; loaded lazily. */
export const PDFJS_URL = '/assets/vendor/pdfjs/pdf.min.mjs';
export const PDFJS_WORKER_URL = '/assets/vendor/pdfjs/pdf.worker.min.mjs';

interface PdfjsDocument {
  getAttachments(): Promise<Record<string, { filename?: string; rawFilename?: string; content: Uint8Array }> | null>;
  destroy(): Promise<void>;
}

interface PdfjsModule {
  GlobalWorkerOptions: { workerSrc: string };
  getDocument(src: { data: Uint8Array; isEvalSupported?: boolean; stopAtErrors?: boolean }): { promise: Promise<PdfjsDocument> };
}

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfUnavailableError';
  }
}

let loading: Promise<PdfjsModule> | undefined;

function loadPdfjs(): Promise<PdfjsModule> {
  loading ??= (import(/* runtime URL, not bundled */ PDFJS_URL) as Promise<PdfjsModule>).then(
    (mod) => {
      mod.GlobalWorkerOptions.workerSrc = PDFJS_WORKER_URL;
      return mod;
    },
    (e: unknown) => {
      loading = undefined;
      throw new PdfUnavailableError(`PDF reading is not available here (${(e as Error).message}); drop the evidence.json file instead`);
    },
  );
  return loading;
}

/** Whether `bytes` start like a PDF file (`%PDF-`). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.length > 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-';
}

/**
 * The bytes of the embedded file named `name` in the PDF, or undefined when the PDF has no such attachment.
 * Throws PdfUnavailableError when pdf.js cannot be loaded, and Error when the file is not a readable PDF.
 */
export async function pdfAttachment(bytes: Uint8Array, name: string): Promise<Uint8Array | undefined> {
  const pdfjs = await loadPdfjs();
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const doc = await pdfjs.getDocument({ data: bytes.slice(), isEvalSupported: false }).promise;
  try {
    const files = (await doc.getAttachments()) ?? {};
    for (const [key, file] of Object.entries(files)) {
      if (key === name || file.filename === name || file.rawFilename === name) return file.content;
    }
    return undefined;
  } finally {
    await doc.destroy();
  }
}

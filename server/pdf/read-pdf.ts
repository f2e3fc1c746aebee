// Reads what a PDF carries — title, embedded files, optionally the text of each page — with Mozilla's pdf.js,
// which follows incremental updates, object and xref streams: it sees the file any PDF viewer would show.
// The PDF is untrusted input, so it is parsed in a worker thread with a memory cap and a time limit. The worker
// also runs without the parent's loader (tsx), which would otherwise rewrite pdf.js's 3 MB of modules on every
// start (seconds, against ~0.5 s plain).
import { Worker } from 'node:worker_threads';

export interface PdfContents {
  readonly title: string | undefined;
  /** Embedded files (the EmbeddedFiles name tree) by file name. */
  readonly attachments: ReadonlyMap<string, Uint8Array>;
  /** Text of each page, in order; only when asked for. */
  readonly pages?: readonly string[];
}

export interface ReadPdfOptions {
  readonly withText?: boolean;
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export class PdfReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfReadError';
  }
}

const WORKER = new URL('./read-pdf.worker.mjs', import.meta.url);
const MAX_HEAP_MB = 512;

interface WorkerAnswer {
  readonly ok: boolean;
  readonly message?: string;
  readonly result?: { title?: string; attachments: [string, Uint8Array][]; pages?: string[] };
}

/** Throws PdfReadError when the bytes are not a readable PDF (or reading exceeds the limits). */
export function readPdf(pdfBytes: Uint8Array, opts: ReadPdfOptions = {}): Promise<PdfContents> {
  const worker = new Worker(WORKER, {
    execArgv: [],
    workerData: { bytes: new Uint8Array(pdfBytes), withText: opts.withText === true },
    resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB },
    stdout: true, // pdf.js may print; the CLI's output stays ours
    stderr: true,
  });
  return new Promise<PdfContents>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new PdfReadError(`reading the PDF took longer than ${opts.timeoutMs ?? 30_000} ms`));
    }, opts.timeoutMs ?? 30_000);
    worker.once('message', (answer: WorkerAnswer) => {
      clearTimeout(timer);
      void worker.terminate();
      if (!answer.ok || answer.result === undefined) {
        reject(new PdfReadError(answer.message ?? 'unreadable PDF'));
        return;
      }
      const { title, attachments, pages } = answer.result;
      resolve({ title, attachments: new Map(attachments), ...(pages === undefined ? {} : { pages }) });
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(new PdfReadError(e.message));
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new PdfReadError(`the PDF reader stopped (exit ${code})`)); // no-op once settled
    });
  });
}

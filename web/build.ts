// Builds the browser pages into static files: esbuild bundles each page's TypeScript (with the ledger's
// browser-safe verification code and uPlot) and the stylesheet into content-hashed files under `assets/`, copies
// pdf.js (loaded only when a PDF is dropped on the verifier), and writes one small HTML shell per page. Nothing is
// fetched from a CDN at run time. `platform: 'browser'` makes any `node:` import a build error, which is how we know
// the bundled ledger modules stay browser-safe.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.dirname(WEB_DIR);
/** Marks a directory as ours, so a rebuild may write and prune in it; any other non-empty directory is refused. */
const MARKER = '.ledgerhouse-web';
/** Bundles no build references any more are removed this long after they were written (pages still open keep working). */
const PRUNE_AFTER_MS = 3_600_000;

export interface BuildWebOptions {
  /** Where to write the site (default `web/dist`). */
  readonly outDir?: string;
  /** Minify the bundles (default true). */
  readonly minify?: boolean;
}

/** The pages: output HTML name, bundle entry, title. The server maps routes to the HTML files (web/serve.ts). */
export const PAGES = [
  { name: 'verify', entry: 'src/pages/verify-page.ts', title: 'Verify a receipt · Ledgerhouse' },
  { name: 'dashboard', entry: 'src/pages/dashboard-page.ts', title: 'Bank dashboard · Ledgerhouse' },
  { name: 'warehouse', entry: 'src/pages/warehouse-page.ts', title: 'Warehouse · Ledgerhouse' },
] as const;

export type PageName = (typeof PAGES)[number]['name'];

/** pdf.js files copied verbatim to `assets/vendor/pdfjs/` (web/src/ui/pdf-attachment.ts loads them from there). */
const PDFJS_FILES = ['build/pdf.min.mjs', 'build/pdf.worker.min.mjs', 'LICENSE'];

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function shell(title: string, script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/${escapeHtml(style)}">
<script type="module" src="/assets/${escapeHtml(script)}"></script>
</head>
<body>
<main id="app" class="page"><noscript>This page needs JavaScript: it verifies receipts in your browser.</noscript></main>
</body>
</html>
`;
}

/** Output file (relative to assets/) of the entry point `entry` (relative to web/). */
function outputOf(meta: Metafile, assetsDir: string, entry: string): string {
  const wanted = path.relative(REPO_ROOT, path.join(WEB_DIR, entry)).split(path.sep).join('/');
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (out.entryPoint === wanted) return path.relative(assetsDir, path.resolve(REPO_ROOT, file)).split(path.sep).join('/');
  }
  throw new Error(`esbuild produced no output for ${entry}`);
}

/** Writes `bytes` to `file` atomically (temp file + rename), so a server reading it never sees half a file. */
async function writeAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}

async function copyPdfjs(assetsDir: string): Promise<string[]> {
  const pdfjsRoot = path.dirname(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist')));
  const target = path.join(assetsDir, 'vendor', 'pdfjs');
  await Promise.all(PDFJS_FILES.map(async (f) => writeAtomic(path.join(target, path.basename(f)), await readFile(path.join(pdfjsRoot, f)))));
  return PDFJS_FILES.map((f) => path.join(target, path.basename(f)));
}

/** Refuses a non-empty directory that is not one of our builds; marks it as ours. */
async function claimDir(dir: string): Promise<void> {
  const existing = await readdir(dir).catch(() => undefined);
  if (existing !== undefined && existing.length > 0 && !existing.includes(MARKER)) {
    throw new Error(`refusing to build into ${dir}: it is not empty and not a previous web build (no ${MARKER})`);
  }
  await writeAtomic(path.join(dir, MARKER), 'Built by web/build.ts. Assets no build references are removed an hour after they were replaced.\n');
}

/** Removes files under `dir` that this build did not write and that are older than PRUNE_AFTER_MS. */
async function prune(dir: string, keep: ReadonlySet<string>, nowMs: number): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(entries.map(async (e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return prune(file, keep, nowMs);
    if (!e.isFile() || keep.has(file)) return;
    const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: nowMs }));
    if (nowMs - mtimeMs > PRUNE_AFTER_MS) await rm(file, { force: true });
  }));
}

/**
 * Builds the site; resolves with the directory to serve (pass it to `webRouter`). Safe while a server serves the
 * same directory (or another process builds it): bundles are content-hashed and written beside the old ones, every
 * file is replaced atomically, and the HTML shells switch to the new bundles last.
 */
export async function buildWeb(options: BuildWebOptions = {}): Promise<{ outDir: string }> {
  const outDir = path.resolve(options.outDir ?? path.join(WEB_DIR, 'dist'));
  const assetsDir = path.join(outDir, 'assets');
  await claimDir(outDir);
  const entries = [...PAGES.map((p) => p.entry), 'src/styles/app.css'];
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: entries.map((e) => path.join(WEB_DIR, e)),
    outdir: assetsDir,
    outbase: path.join(WEB_DIR, 'src'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    metafile: true,
    legalComments: 'linked',
    external: ['/assets/vendor/*'],
    logLevel: 'silent',
    write: false,
  });
  await Promise.all(result.outputFiles.map((f) => writeAtomic(f.path, f.contents)));
  const vendor = await copyPdfjs(assetsDir);
  const style = outputOf(result.metafile, assetsDir, 'src/styles/app.css');
  const pages = PAGES.map((p) => path.join(outDir, `${p.name}.html`));
  await Promise.all(PAGES.map((p, i) => writeAtomic(pages[i]!, shell(p.title, outputOf(result.metafile, assetsDir, p.entry), style))));
  await prune(assetsDir, new Set([...result.outputFiles.map((f) => f.path), ...vendor]), Date.now());
  return { outDir };
}

// `tsx web/build.ts` builds web/dist.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb().then(
    ({ outDir }) => console.log(`web pages built in ${outDir}`),
    (e: unknown) => {
      console.error(`web build failed: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}

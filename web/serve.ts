// Serves the built pages (web/build.ts) from the HTTP server: the page routes answer their HTML shell (no-cache:
// it names the current hashed bundles), `/assets/*` answers the bundles with their content type and, since their
// names carry a content hash, a year-long immutable cache; pdf.js under `/assets/vendor/` (fixed names) for a day.
// A strict Content-Security-Policy applies to every page: scripts, styles, workers and connections from this
// origin only.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_ROUTES: readonly (readonly [string, string])[] = [
  ['/verify', 'verify.html'],
  ['/verify/:id', 'verify.html'],
  ['/dashboard', 'dashboard.html'],
  ['/warehouse', 'warehouse.html'],
];

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

/**
 * The pages and assets in `distDir` (as returned by `buildWeb`). Mount it on the app before its 404 handler: a
 * missing asset falls through to it (problem+json NOT_FOUND).
 */
export function webRouter(distDir: string): Router {
  const dir = path.resolve(distDir);
  const router = Router();
  for (const [route, file] of PAGE_ROUTES) {
    router.get(route, (_req, res, next) => {
      const page = path.join(dir, file);
      if (!existsSync(page)) {
        res.status(503).type('text/plain').send(`The web pages are not built: run \`npx tsx web/build.ts\` (missing ${file}).\n`);
        return;
      }
      securityHeaders(res);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(page, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }, (err) => {
        if (err !== undefined) next(err);
      });
    });
  }
  router.use('/assets/vendor', express.static(path.join(dir, 'assets', 'vendor'), {
    fallthrough: true, index: false, dotfiles: 'deny', maxAge: '1d',
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  }));
  router.use('/assets', express.static(path.join(dir, 'assets'), {
    fallthrough: true, index: false, dotfiles: 'deny', immutable: true, maxAge: '365d',
    setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
  }));
  return router;
}

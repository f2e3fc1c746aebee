import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { buildWeb } from '../../web/build.js';
import { webRouter } from '../../web/serve.js';
import { tempDir } from '../support/temp-dir.js';

describe('web: build and serve the static pages', function () {
  this.timeout(30_000);
  let dist: { dir: string; remove(): void };
  let server: Server;
  let url: string;

  before(async () => {
    dist = tempDir('lh-web-');
    await buildWeb({ outDir: dist.dir });
    const app = express();
    app.use(webRouter(dist.dir));
    app.use((_req, res) => {
      res.status(404).type('application/problem+json').send('{"code":"NOT_FOUND"}');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    dist?.remove();
  });

  it('When a page is requested, then its HTML shell comes with no-cache and a strict Content-Security-Policy', async () => {
    for (const p of ['/verify', '/verify/rc-000000000042', '/dashboard', '/warehouse']) {
      const res = await fetch(`${url}${p}`);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/);
      assert.match(await res.text(), /<script type="module" src="\/assets\/[a-z-]+-[A-Z0-9]+\.js"><\/script>/);
    }
  });

  it('When hashed assets and pdf.js are requested, then they have their content types and cache lifetimes', async () => {
    const files = readdirSync(path.join(dist.dir, 'assets'));
    const js = files.find((f) => /^verify-page-.*\.js$/.test(f))!;
    const css = files.find((f) => /^app-.*\.css$/.test(f))!;
    let res = await fetch(`${url}/assets/${js}`);
    assert.match(res.headers.get('content-type') ?? '', /^(text|application)\/javascript/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    res = await fetch(`${url}/assets/${css}`);
    assert.match(res.headers.get('content-type') ?? '', /^text\/css/);
    res = await fetch(`${url}/assets/vendor/pdfjs/pdf.worker.min.mjs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^(text|application)\/javascript/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=86400');
    res = await fetch(`${url}/assets/nothing-here.js`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('When the bundles are inspected, then no node: module and no remote URL made it into the browser code', () => {
    const assets = path.join(dist.dir, 'assets');
    for (const f of readdirSync(assets).filter((x) => x.endsWith('.js'))) {
      const text = readFileSync(path.join(assets, f), 'utf8');
      assert.doesNotMatch(text, /from\s*"node:|require\("node:/, f);
      assert.doesNotMatch(text, /https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.(com|net|org|io)\//i, f);
    }
  });

  it('When the site is rebuilt while being served, then the old bundles stay and the pages name the current ones', async () => {
    const before = readdirSync(path.join(dist.dir, 'assets'));
    await buildWeb({ outDir: dist.dir, minify: false });
    const after = readdirSync(path.join(dist.dir, 'assets'));
    for (const f of before) assert.ok(after.includes(f), `${f} still served to pages already open`);
    const html = await (await fetch(`${url}/dashboard`)).text();
    const script = /src="\/assets\/([^"]+)"/.exec(html)![1]!;
    assert.equal((await fetch(`${url}/assets/${script}`)).status, 200);
    assert.ok(!before.includes(script), 'the unminified build has new hashes');
  });

  it('When the pages were never built, then they answer 503 saying how to build them', async () => {
    const empty = tempDir('lh-web-empty-');
    const app = express().use(webRouter(empty.dir));
    const s = createServer(app);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(s.address() as AddressInfo).port}/dashboard`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /web\/build\.ts/);
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
      empty.remove();
    }
  });

  it('When asked to build into a directory that is not a previous build, then it refuses to write there', async () => {
    const other = tempDir('lh-web-other-');
    try {
      writeFileSync(path.join(other.dir, 'precious.txt'), 'keep');
      await assert.rejects(buildWeb({ outDir: other.dir }), /refusing to build into/);
    } finally {
      other.remove();
    }
  });
});

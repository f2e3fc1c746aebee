import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { parseCheckpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { decodeEntry, encodeEntry } from '../../../ledger/entry/entry.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { buildReceiptDossier } from '../../../server/pdf/receipt-dossier.js';
import { buildWeb } from '../../../web/build.js';
import { ORIGIN, testKey } from '../../support/ledger-harness.js';
import { issueBody, LOT, pledgeBody, registerCast } from '../../support/lifecycle.js';
import { tempDir } from '../../support/temp-dir.js';
import { launchBrowser, overflowsHorizontally, PHONE, screenshot, skipWithoutChromium, type TestBrowser } from '../support/browser.js';
import { openProxy, openWebHarness, type WebHarness } from '../support/web-harness.js';

const rc = (i: number) => `rc-${String(i).padStart(12, '0')}`;

async function verdictOf(page: Page): Promise<{ verdict: string | null; code: string | null; text: string }> {
  const el = page.locator('#result .verdict');
  await el.waitFor({ timeout: 10_000 });
  return { verdict: await el.getAttribute('data-verdict'), code: await el.getAttribute('data-code'), text: await el.innerText() };
}

/** Seeds a ledger: a warehouse issues receipts to alice; one is pledged to bank-a. */
async function seed(w: WebHarness, holder = 'alice'): Promise<{ pledged: string; free: string }> {
  const c = await registerCast(w.ledger);
  await w.ledger.submit('lot.deposit', LOT, [c.warehouse]);
  const pledged = rc((await w.ledger.submit('receipt.issue', issueBody('40.000', holder), [c.warehouse])).index);
  const free = rc((await w.ledger.submit('receipt.issue', issueBody('25.000', holder), [c.warehouse])).index);
  await w.ledger.submit('pledge.create', pledgeBody(pledged, 'bank-a'), [holder === 'alice' ? c.alice : c.bob, c.bankA]);
  return { pledged, free };
}

describe('web: the public receipt verifier in a real browser', function () {
  this.timeout(60_000);
  let browser: TestBrowser;
  let dist: { dir: string; remove(): void };
  let a: WebHarness;
  let ids: { pledged: string; free: string };

  before(async function () {
    skipWithoutChromium(this);
    dist = tempDir('lh-web-');
    await buildWeb({ outDir: dist.dir });
    a = await openWebHarness(dist.dir);
    ids = await seed(a);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await a?.close();
    dist?.remove();
  });
  afterEach(() => {
    assert.deepEqual(browser?.pageErrors ?? [], [], 'no uncaught errors on the page');
  });

  it('When a phone opens the QR link of a real pledged receipt, then it shows valid, pledged, and nothing commercial', async () => {
    const page = await browser.page(PHONE);
    await page.goto(`${a.url}/verify/${ids.pledged}`);
    const v = await verdictOf(page);
    assert.equal(v.verdict, 'valid', v.text);
    assert.equal(await page.locator('[data-status]').getAttribute('data-status'), 'pledged');
    assert.equal(await page.locator('[data-field=lien]').innerText(), 'Yes');
    const text = await page.locator('body').innerText();
    for (const secret of ['alice', 'bank-a', '250000', 'USD', '40.000']) assert.ok(!text.includes(secret), `page shows ${secret}`);
    assert.equal(await overflowsHorizontally(page), false, 'no sideways scrolling at 390 px');
    await page.locator('#result details summary').click();
    await screenshot(page, 'verify-valid-phone');
    await page.close();
  });

  it('When the entry row was edited in the database, then it is not valid because the entry is not in the log', async () => {
    const { free } = ids;
    const index = Number(free.slice(3));
    const row = a.db.prepare('SELECT leaf FROM entries WHERE idx = ?').get(index) as { leaf: Buffer };
    const entry = decodeEntry(new Uint8Array(row.leaf));
    const forged = encodeEntry({ ...entry, tx: { ...entry.tx, body: { ...(entry.tx.body as object), quantity: '900.000' } } });
    a.db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(Buffer.from(forged), index);
    try {
      const page = await browser.page(PHONE);
      await page.goto(`${a.url}/verify/${free}`);
      const v = await verdictOf(page);
      assert.equal(v.verdict, 'invalid');
      assert.equal(v.code, 'NOT_IN_LOG');
      assert.match(v.text, /Not valid: Not in the log/);
      await screenshot(page, 'verify-tampered-entry');
      await page.close();
    } finally {
      a.db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(row.leaf, index);
    }
  });

  it('When a proxy serves a checkpoint forged under the log\'s name, then the checkpoint signature is invalid', async () => {
    const proxy = await openProxy(dist.dir, a.url);
    try {
      proxy.rewrite = (path, body) => {
        if (!path.startsWith('/v1/verify/')) return body;
        const b = body as { evidence: { checkpoint: string } };
        const cp = parseCheckpoint(b.evidence.checkpoint.slice(0, b.evidence.checkpoint.indexOf('\n\n') + 1));
        b.evidence.checkpoint = signCheckpoint(cp, { name: ORIGIN, seed: testKey('attacker').seed });
        return b;
      };
      const page = await browser.page(PHONE);
      await page.goto(`${proxy.url}/verify/${ids.pledged}`);
      const v = await verdictOf(page);
      assert.equal(v.code, 'CHECKPOINT_SIGNATURE_INVALID', v.text);
      assert.match(v.text, /Checkpoint signature invalid/);
      await screenshot(page, 'verify-forged-checkpoint');
      await page.close();
    } finally {
      await proxy.close();
    }
  });

  it('When the registry later serves a fork of the log this browser saw, then the receipt is not valid: inconsistent', async () => {
    const b = await openWebHarness(dist.dir); // same log key and origin, another history
    const proxy = await openProxy(dist.dir, a.url);
    try {
      const forkIds = await seed(b, 'bob');
      for (let i = 0; i < 3; i++) await b.ledger.register(`extra-${i}`, 'holder'); // the fork is longer
      const page = await browser.page(PHONE);
      await page.goto(`${proxy.url}/verify/${ids.free}`);
      assert.equal((await verdictOf(page)).verdict, 'valid');
      proxy.upstream = b.url;
      await page.goto(`${proxy.url}/verify/${forkIds.free}`);
      const v = await verdictOf(page);
      assert.equal(v.code, 'LOG_FORKED', v.text);
      assert.match(v.text, /Inconsistent with a checkpoint seen before/);
      await screenshot(page, 'verify-forked-log');
      await page.close();
    } finally {
      await proxy.close();
      await b.close();
    }
  });

  it('When the id is unknown, then it says there is no such receipt', async () => {
    const page = await browser.page(PHONE);
    await page.goto(`${a.url}/verify/rc-000000009999`);
    const v = await verdictOf(page);
    assert.equal(v.code, 'RECEIPT_NOT_FOUND');
    await page.close();
  });

  it('When a receipt PDF is dropped on the verifier, then its embedded evidence is verified in the browser', async function () {
    const render = await import('../../../server/pdf/render-receipt.js').catch(() => undefined);
    if (render === undefined) {
      console.log('    (skipped: server/pdf/render-receipt.ts is not in this tree yet)');
      this.skip();
    }
    const dossier = (await buildReceiptDossier({ store: a.ledger.store, reader: new LogReader(a.ledger.store), verifierKey: a.ledger.signer.verifierKey, publicBaseUrl: a.url }, ids.pledged))!;
    const pdf = await render.renderReceiptPdf(dossier);
    await a.ledger.register('late-party', 'holder'); // the registry moved on since the PDF was made
    const page = await browser.page(PHONE);
    await page.goto(`${a.url}/verify`);
    await page.setInputFiles('#document-input', { name: `${ids.pledged}.pdf`, mimeType: 'application/pdf', buffer: pdf });
    const verdict = page.locator('#document-result .verdict');
    await verdict.waitFor({ timeout: 20_000 });
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid', await verdict.innerText());
    await page.locator('#document-result [data-status]').waitFor();
    assert.equal(await page.locator('#document-result [data-status]').getAttribute('data-status'), 'pledged');
    await screenshot(page, 'verify-pdf-valid');

    const plain = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await page.setInputFiles('#document-input', { name: 'other.pdf', mimeType: 'application/pdf', buffer: plain });
    await page.locator('#document-result .verdict-invalid').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#document-result .verdict').getAttribute('data-code'), 'EVIDENCE_MALFORMED');
    await page.close();
  });
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderReceiptPdf } from '../../../server/pdf/render-receipt.js';
import type { PdfVerdict } from '../../../server/pdf/verify-pdf.js';
import { runCli } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';
import { dossier, evidenceOf, lifecycleLedger, reembedEvidence } from './pdf-kit.js';

describe('ledgerhouse verify-pdf (real process)', function () {
  this.timeout(120_000);
  const tmp = tempDir('lh-verify-pdf-');
  const good = path.join(tmp.dir, 'receipt.pdf');
  const bad = path.join(tmp.dir, 'tampered.pdf');
  let logKey: string;
  let tamperedIndex: number;

  before(async () => {
    const l = await lifecycleLedger();
    try {
      logKey = l.h.signer.verifierKey;
      const pdf = await renderReceiptPdf(await dossier(l, l.r1));
      writeFileSync(good, pdf);
      const ev = await evidenceOf(pdf);
      const last = ev.entries.at(-1)!;
      tamperedIndex = last.index;
      const leaf = Buffer.from(last.leaf, 'base64');
      leaf[30] = leaf[30]! ^ 0x01;
      writeFileSync(bad, reembedEvidence(pdf, { ...ev, entries: [...ev.entries.slice(0, -1), { ...last, leaf: leaf.toString('base64') }] }));
    } finally {
      await l.h.close();
    }
  });
  after(() => tmp.remove());

  it('When a genuine PDF is checked against the log key, then every check prints PASS and it exits 0', async () => {
    const r = await runCli(['verify-pdf', good, '--key', logKey]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^PASS {2}checkpoint signature: /m);
    assert.match(r.stdout, /^PASS {2}log key: the checkpoint is signed by the trusted log key/m);
    assert.doesNotMatch(r.stdout, /^FAIL/m);
    assert.match(r.stdout, /PDF OK: receipt rc-\d{12} at ledger size \d+/);
  });

  it('When no key is given and --json is asked, then it prints the verdict as JSON, self-consistent only, and exits 0', async () => {
    const r = await runCli(['verify-pdf', good, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const verdict = JSON.parse(r.stdout) as PdfVerdict;
    assert.equal(verdict.ok, true);
    assert.equal(verdict.keyTrusted, false);
  });

  it('When the evidence was tampered with, then it names the failing check and exits 2 without a stack trace', async () => {
    const r = await runCli(['verify-pdf', bad, '--key', logKey]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, new RegExp(`^FAIL {2}entry ${tamperedIndex} inclusion: `, 'm'));
    assert.match(r.stderr, new RegExp(`PDF verification FAILED: entry ${tamperedIndex} inclusion`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

import assert from 'node:assert/strict';
import { parseCheckpoint } from '../../../ledger/checkpoint/checkpoint.js';
import { formatVerifierKey } from '../../../ledger/checkpoint/note.js';
import { signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import type { ReceiptEvidence } from '../../../server/pdf/evidence.js';
import { renderReceiptPdf } from '../../../server/pdf/render-receipt.js';
import { verifyEvidence } from '../../../server/pdf/verify-evidence.js';
import { verifyReceiptPdf, type PdfVerdict } from '../../../server/pdf/verify-pdf.js';
import { ORIGIN, testKey } from '../../support/ledger-harness.js';
import { dossier, evidenceOf, lifecycleLedger, reembedEvidence, type Ledger } from './pdf-kit.js';

function failing(v: PdfVerdict): string[] {
  return v.checks.filter((c) => !c.ok).map((c) => c.name);
}

/** Flips the lowest bit of byte `at` of a base64 value. */
function flipByte(b64: string, at: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

/** The checkpoint note's body re-signed by another key under the same origin (what a forger can make). */
function resignedCheckpoint(note: string, seedName: string): { note: string; key: string } {
  const forger = testKey(seedName);
  const body = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
  return { note: signCheckpoint(body, { name: ORIGIN, seed: forger.seed }), key: formatVerifierKey(ORIGIN, forger.publicKey) };
}

describe('receipt PDF: offline verification', function () {
  this.timeout(60_000);
  let l: Ledger;
  let pdf: Buffer;
  let ev: ReceiptEvidence;
  let logKey: string;

  before(async () => {
    l = await lifecycleLedger();
    logKey = l.h.signer.verifierKey;
    pdf = await renderReceiptPdf(await dossier(l, l.r1));
    ev = await evidenceOf(pdf);
  });
  after(() => l.h.close());

  const tampered = (change: Partial<ReceiptEvidence>): Buffer => reembedEvidence(pdf, { ...ev, ...change });

  it('When an untouched PDF is verified with the log key, then every check passes and the key is trusted', async () => {
    const v = await verifyReceiptPdf(pdf, { trustedKey: logKey });
    assert.deepEqual(failing(v), []);
    assert.equal(v.ok, true);
    assert.equal(v.keyTrusted, true);
    assert.equal(v.receiptId, l.r1);
    assert.equal(v.size, ev.size);
    const names = v.checks.map((c) => c.name);
    for (const e of ev.entries) {
      for (const what of ['inclusion', 'record', 'signatures', 'concerns receipt']) assert.ok(names.includes(`entry ${e.index} ${what}`), `entry ${e.index} ${what}`);
    }
    for (const k of ev.keyEntries) assert.ok(names.includes(`key entry ${k.index} signatures`));
    assert.ok(names.includes('receipt creation'));
  });

  it('When no trusted key is given, then it passes but says it shows only self-consistency', async () => {
    const v = await verifyReceiptPdf(pdf);
    assert.equal(v.ok, true);
    assert.equal(v.keyTrusted, false);
    assert.match(v.checks.find((c) => c.name === 'log key')!.detail, /NOT ESTABLISHED.*self-consistent/);
  });

  it('When a byte of an entry is flipped and the evidence re-embedded, then that entry\'s inclusion check fails and the rest pass', async () => {
    const target = ev.entries.at(-1)!; // the release: nothing later depends on it
    const entries = ev.entries.map((e) => (e === target ? { ...e, leaf: flipByte(e.leaf, 40) } : e));
    const v = await verifyReceiptPdf(tampered({ entries }), { trustedKey: logKey });
    assert.equal(v.ok, false);
    assert.deepEqual(failing(v), [`entry ${target.index} inclusion`]);
    assert.match(v.checks.find((c) => !c.ok)!.detail, /does not lead to the checkpoint root/);
  });

  it('When an entry carries a proof from another tree, then its inclusion check fails', async () => {
    const other = await lifecycleLedger(); // same cast, other nonces: another tree of the same size
    try {
      const foreign = await evidenceOf(await renderReceiptPdf(await dossier(other, other.r1)));
      const target = ev.entries[0]!;
      const proof = foreign.entries.find((e) => e.index === target.index)!.proof;
      assert.notDeepEqual(proof, target.proof);
      const v = await verifyReceiptPdf(tampered({ entries: ev.entries.map((e) => (e === target ? { ...e, proof } : e)) }), { trustedKey: logKey });
      // The issue entry is unproven, so the receipt's creation is unproven too.
      assert.deepEqual(failing(v), [`entry ${target.index} inclusion`, 'receipt creation']);
    } finally {
      await other.h.close();
    }
  });

  it('When the checkpoint is signed by another key, then the checkpoint signature check fails and no entry is taken as proven', async () => {
    const forged = resignedCheckpoint(ev.checkpoint, 'forger');
    const v = await verifyReceiptPdf(tampered({ checkpoint: forged.note }));
    assert.equal(v.ok, false);
    assert.ok(failing(v).includes('checkpoint signature'));
    assert.match(v.checks.find((c) => c.name === 'checkpoint signature')!.detail, /not signed by the log key|no signature by a known key/);
    assert.ok(failing(v).includes(`entry ${ev.entries[0]!.index} inclusion`));
  });

  it('When a forger re-signs the checkpoint and ships its own key, then it is self-consistent only, and the trusted key exposes it', async () => {
    const forged = resignedCheckpoint(ev.checkpoint, 'forger');
    const pdfForged = tampered({ checkpoint: forged.note, verifierKey: forged.key });
    const alone = await verifyReceiptPdf(pdfForged);
    assert.equal(alone.ok, true);
    assert.equal(alone.keyTrusted, false);
    const trusted = await verifyReceiptPdf(pdfForged, { trustedKey: logKey });
    assert.deepEqual(failing(trusted), ['log key']);
    assert.equal(trusted.keyTrusted, false);
  });

  it('When an entry about another receipt is slipped in, then its concerns-receipt check fails', async () => {
    const r2 = await evidenceOf(await renderReceiptPdf(await dossier(l, l.r2)));
    const foreign = r2.entries.find((e) => !ev.entries.some((x) => x.index === e.index))!; // r2's endorsement
    const entries = [...ev.entries, foreign].sort((a, b) => a.index - b.index);
    const keyEntries = [...new Map([...ev.keyEntries, ...r2.keyEntries].map((k) => [k.index, k])).values()].sort((a, b) => a.index - b.index);
    const v = verifyEvidence({ ...ev, entries, keyEntries }, { trustedKey: logKey });
    assert.deepEqual(failing(v), [`entry ${foreign.index} concerns receipt`]);
  });

  it('When the key entries are left out, then the signature checks say which signer has no key', async () => {
    const v = verifyEvidence({ ...ev, keyEntries: [] }, { trustedKey: logKey });
    assert.deepEqual(failing(v), ev.entries.map((e) => `entry ${e.index} signatures`));
    assert.match(v.checks.find((c) => !c.ok)!.detail, /no proven entry in the evidence registers a key for signer 'wh-north'/);
  });

  it('When the evidence of another receipt is embedded, then the document check fails', async () => {
    const r2 = await evidenceOf(await renderReceiptPdf(await dossier(l, l.r2)));
    const v = await verifyReceiptPdf(reembedEvidence(pdf, r2), { trustedKey: logKey });
    assert.deepEqual(failing(v), ['document']);
  });

  it('When the creating entry is left out, then the receipt creation check fails', async () => {
    const v = verifyEvidence({ ...ev, entries: ev.entries.slice(1) }, { trustedKey: logKey });
    assert.ok(failing(v).includes('receipt creation'));
  });

  it('When the evidence is not valid JSON, or the file is no PDF, then the first check says so', async () => {
    const broken = await verifyReceiptPdf(reembedEvidence(pdf, new TextEncoder().encode('{"format":')));
    assert.deepEqual(failing(broken), ['evidence']);
    assert.match(broken.checks[0]!.detail, /not valid JSON/);
    const notPdf = await verifyReceiptPdf(new TextEncoder().encode('hello'));
    assert.deepEqual(failing(notPdf), ['pdf']);
  });
});

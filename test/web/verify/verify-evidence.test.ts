import assert from 'node:assert/strict';
import { fromBase64, toBase64, toHex } from '../../../ledger/encoding/bytes.js';
import { decodeEntry, encodeEntry } from '../../../ledger/entry/entry.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import { encodeEvidence, EVIDENCE_FORMAT, type ReceiptEvidence as ServerEvidence } from '../../../server/pdf/evidence.js';
import { buildReceiptDossier, type DossierEntry } from '../../../server/pdf/receipt-dossier.js';
import { keyHistoriesFromEntries } from '../../../web/src/verify/signature-check.js';
import { parseEvidence, verifyEvidence, type ReceiptEvidence } from '../../../web/src/verify/verify-evidence.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { issueBody, LOT, pledgeBody, registerCast } from '../../support/lifecycle.js';

const wire = (e: DossierEntry) => ({ index: e.index, leaf: toBase64(e.leaf), proof: e.proof.map(toHex) });

describe('web verifier: a receipt PDF\'s embedded evidence.json', () => {
  let h: LedgerHarness;
  let evidence: ReceiptEvidence;
  let reader: LogReader;
  const consistency = async (first: number, second: number) => {
    try {
      return (await reader.consistency(first, second)).proof.map(toHex);
    } catch {
      return undefined;
    }
  };

  before(async () => {
    h = await openHarness('memory');
    reader = new LogReader(h.store);
    const c = await registerCast(h);
    await h.submit('lot.deposit', LOT, [c.warehouse]);
    const issued = await h.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse]);
    const receiptId = `rc-${String(issued.index).padStart(12, '0')}`;
    await h.submit('pledge.create', pledgeBody(receiptId, 'bank-a'), [c.alice, c.bankA]);
    const dossier = (await buildReceiptDossier({ store: h.store, reader, verifierKey: h.signer.verifierKey, publicBaseUrl: 'http://x' }, receiptId))!;
    // What the PDF engineer embeds: server/pdf/evidence.ts's format, encoded by its own encoder.
    const server: ServerEvidence = {
      format: EVIDENCE_FORMAT, receiptId, size: dossier.size, checkpoint: dossier.checkpoint, verifierKey: dossier.verifierKey,
      entries: dossier.history.map(wire), keyEntries: dossier.keyEntries.map(wire),
    };
    evidence = parseEvidence(encodeEvidence(server));
  });
  after(async () => h?.close());

  it('When the evidence is what the server embeds, then it parses and verifies offline, with every signature checked', async () => {
    const v = await verifyEvidence(evidence);
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.value.created.tx.type, 'receipt.issue');
    assert.equal(v.value.online, false);
    assert.ok(v.value.signatures >= 4, `signatures: ${v.value.signatures}`); // issue, pledge (2), registrations
  });

  it('When the registry has grown since the PDF, then its current checkpoint is proven consistent with the PDF\'s', async () => {
    await h.register('late-bank', 'bank');
    const cp = (await h.store.latestCheckpoint())!;
    assert.ok(cp.size > evidence.size);
    const v = await verifyEvidence(evidence, { registryKey: h.signer.verifierKey, registryCheckpoint: cp.note, consistency });
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.equal(v.value.newest.size, cp.size);
    assert.equal(v.value.online, true);
  });

  it('When an entry in the PDF was altered, then it is not in the log', async () => {
    const first = evidence.entries[0]!;
    const entry = decodeEntry(fromBase64(first.leaf));
    const altered = encodeEntry({ ...entry, tx: { ...entry.tx, body: { ...(entry.tx.body as object), quantity: '400.000' } } });
    const v = await verifyEvidence({ ...evidence, entries: [{ ...first, leaf: toBase64(altered) }, ...evidence.entries.slice(1)] });
    assert.equal(v.ok ? 'ok' : v.code, 'NOT_IN_LOG');
  });

  it('When the key entries are missing, then the signers\' keys are unknown', async () => {
    const v = await verifyEvidence({ ...evidence, keyEntries: [] });
    assert.equal(v.ok ? 'ok' : v.code, 'SIGNER_KEY_UNKNOWN');
  });

  it('When the PDF names another log key than the registry\'s, then it was not issued by this registry', async () => {
    const v = await verifyEvidence(evidence, { registryKey: `other+${h.signer.verifierKey.split('+').slice(1).join('+')}` });
    assert.equal(v.ok ? 'ok' : v.code, 'LOG_KEY_CHANGED');
  });

  it('When the registry serves a checkpoint from a fork, then the PDF is reported inconsistent with it', async () => {
    const fork = await openHarness('memory');
    try {
      for (let i = 0; i < evidence.size + 2; i++) await fork.register(`fork-party-${i}`, 'holder');
      const cp = (await fork.store.latestCheckpoint())!;
      const forkReader = new LogReader(fork.store);
      const v = await verifyEvidence(evidence, {
        registryKey: fork.signer.verifierKey, registryCheckpoint: cp.note,
        consistency: async (a, b) => (await forkReader.consistency(a, b)).proof.map(toHex),
      });
      assert.equal(fork.signer.verifierKey, h.signer.verifierKey, 'same log key: the log operator signed two histories');
      assert.equal(v.ok ? 'ok' : v.code, 'LOG_FORKED');
    } finally {
      await fork.close();
    }
  });

  it('When evidence.json is malformed, then parsing names the field', () => {
    const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    assert.throws(() => parseEvidence(bytes({ ...evidence, extra: 1 })), /unexpected field "extra"/);
    assert.throws(() => parseEvidence(bytes({ ...evidence, format: 'v0' })), /format must be/);
    assert.throws(() => parseEvidence(new TextEncoder().encode('{"format":1,"format":2}')), /not valid JSON/);
    assert.throws(() => parseEvidence(bytes({ ...evidence, entries: [{ index: -1, leaf: '', proof: [] }] })), /entries\[0\]\.index/);
  });

  it('When a party rotated its key, then each index maps to the key it held then', () => {
    const entries = [
      { v: 1 as const, index: 0, time: 't', tx: { v: 1 as const, type: 'ledger.genesis', nonce: 'g', ts: 't', body: { operator: { id: 'op', publicKey: 'K0' } } }, sigs: [] },
      { v: 1 as const, index: 3, time: 't', tx: { v: 1 as const, type: 'party.register', nonce: 'r', ts: 't', body: { id: 'bank', publicKey: 'K1' } }, sigs: [] },
      { v: 1 as const, index: 9, time: 't', tx: { v: 1 as const, type: 'party.rotateKey', nonce: 'k', ts: 't', body: { party: 'bank', publicKey: 'K2' } }, sigs: [] },
    ];
    const histories = keyHistoriesFromEntries(entries);
    assert.deepEqual(histories.get('op'), [{ publicKey: 'K0', from: 0 }]);
    assert.deepEqual(histories.get('bank'), [{ publicKey: 'K1', from: 4, until: 10 }, { publicKey: 'K2', from: 10 }]);
  });
});

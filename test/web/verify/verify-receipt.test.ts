import assert from 'node:assert/strict';
import { fromBase64, toBase64, toHex } from '../../../ledger/encoding/bytes.js';
import { encodeEntry, decodeEntry } from '../../../ledger/entry/entry.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import type { ConsistencyLookup } from '../../../web/src/verify/consistency-check.js';
import type { SeenCheckpoint } from '../../../web/src/verify/seen-checkpoints.js';
import type { KeyHistoryLookup } from '../../../web/src/verify/signature-check.js';
import { verifyReceiptOnline, type OnlineInput } from '../../../web/src/verify/verify-receipt.js';
import { openHarness, type LedgerHarness } from '../../support/ledger-harness.js';
import { issueBody, LOT, registerCast } from '../../support/lifecycle.js';
import { append, checkpointNote, issuedReceipt, miniLog, verifyResponse, type MiniLog } from '../support/mini-log.js';

function depsFor(log: MiniLog, consistency?: ConsistencyLookup) {
  const keyHistory: KeyHistoryLookup = async (id) => log.histories.get(id);
  return {
    keyHistory,
    consistency: consistency ?? (async (first: number, second: number) => log.tree.consistencyProof(first, second).map(toHex)),
  };
}

function seenOf(log: MiniLog, size: number): SeenCheckpoint {
  return { verifierKey: log.verifierKey, size, root: toBase64(log.tree.root(size)), seenAt: '2026-11-20T10:00:00.000Z' };
}

describe('web verifier: a receipt checked from /v1/verify evidence', () => {
  it('When the evidence is genuine, then every check passes and the newest checkpoint is returned to remember', async () => {
    const { log, receipt, index } = issuedReceipt();
    const v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.ok(v.ok, v.ok ? '' : v.reason);
    assert.deepEqual(v.steps.map((s) => s.check), ['log-key', 'checkpoint', 'inclusion', 'signatures', 'creation', 'consistency']);
    assert.equal(v.value.newest.size, log.tree.size);
    assert.deepEqual(v.value.signers, ['wh-mini']);
  });

  it('When the entry bytes were altered, then it is not valid because the entry is not in the log', async () => {
    const { log, receipt, index } = issuedReceipt();
    const response = verifyResponse(log, index, receipt, 'wh-mini') as { evidence: { leaf: string } };
    const entry = decodeEntry(fromBase64(response.evidence.leaf));
    response.evidence.leaf = toBase64(encodeEntry({ ...entry, tx: { ...entry.tx, body: { ...(entry.tx.body as object), quantity: '1000.000' } } }));
    const v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'NOT_IN_LOG');
  });

  it('When the checkpoint was re-signed by another key or its root edited, then the checkpoint signature is invalid', async () => {
    const { log, receipt, index } = issuedReceipt();
    const forged = verifyResponse(log, index, receipt, 'wh-mini') as { evidence: { checkpoint: string } };
    forged.evidence.checkpoint = checkpointNote(log, log.tree.size, miniLog('attacker').logKey.seed);
    let v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: forged }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'CHECKPOINT_SIGNATURE_INVALID');
    const edited = verifyResponse(log, index, receipt, 'wh-mini') as { evidence: { checkpoint: string } };
    const lines = edited.evidence.checkpoint.split('\n');
    lines[2] = toBase64(new Uint8Array(32).fill(7));
    edited.evidence.checkpoint = lines.join('\n');
    v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: edited }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'CHECKPOINT_SIGNATURE_INVALID');
    assert.match(v.ok ? '' : v.reason, /does not verify/);
  });

  it('When the log itself contains an entry with a bad transaction signature, then the verdict names the signer', async () => {
    const { log, receipt, index } = issuedReceipt({ badSig: true });
    const v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'SIGNATURE_INVALID');
    assert.match(v.ok ? '' : v.reason, /'wh-mini'/);
  });

  it('When the signer had no key at that index or is unknown, then the verdict says the signer key is unknown', async () => {
    const { log, receipt, index } = issuedReceipt();
    log.histories.set('wh-mini', [{ publicKey: log.histories.get('wh-mini')![0]!.publicKey, from: index + 1 }]);
    let v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'SIGNER_KEY_UNKNOWN');
    log.histories.delete('wh-mini');
    v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'SIGNER_KEY_UNKNOWN');
  });

  it('When a genuine entry is presented for another receipt or another warehouse, then it did not create this receipt', async () => {
    const { log, receipt, index } = issuedReceipt();
    const other = `rc-${String(index + 5).padStart(12, '0')}`;
    const response = { ...verifyResponse(log, index, receipt, 'wh-mini'), receipt: other };
    let v = await verifyReceiptOnline({ receiptId: other, logKey: log.verifierKey, response }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'NOT_CREATED_BY_ENTRY');
    const registration = `rc-${String(1).padStart(12, '0')}`;
    v = await verifyReceiptOnline({ receiptId: registration, logKey: log.verifierKey, response: verifyResponse(log, 1, registration, 'wh-mini') }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'NOT_CREATED_BY_ENTRY');
    assert.match(v.ok ? '' : v.reason, /party\.register, which creates no receipt/);
    v = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-elsewhere') }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'NOT_CREATED_BY_ENTRY');
  });

  it('When the log grew consistently since the last visit, then it is valid; when it was forked or rolled back, then LOG_FORKED', async () => {
    const { log, receipt, index } = issuedReceipt();
    const seenSmall = seenOf(log, 2);
    const input = (seen: SeenCheckpoint): OnlineInput => ({ receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini'), seen });
    const grown = await verifyReceiptOnline(input(seenSmall), depsFor(log));
    assert.ok(grown.ok, grown.ok ? '' : grown.reason);

    const fork = issuedReceipt({ logSalt: '' });
    append(fork.log, 'lot.deposit', { other: 'history' }, [fork.warehouse]);
    // The forked log shares the key, but its tree at size 4 is not the one seen before.
    const forkSeen = { ...seenOf(fork.log, 4), verifierKey: log.verifierKey };
    append(log, 'lot.deposit', { honest: 'history' }, []);
    const forked = await verifyReceiptOnline({ ...input(forkSeen), response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.equal(forked.ok ? 'ok' : forked.code, 'LOG_FORKED');
    assert.match(forked.ok ? '' : forked.reason, /two different trees of size 4/);

    const bigger = { ...seenOf(log, 4), size: 9 };
    const rolledBack = await verifyReceiptOnline(input(bigger), depsFor(log, async () => undefined));
    assert.equal(rolledBack.ok ? 'ok' : rolledBack.code, 'LOG_FORKED');

    const wrongProof = await verifyReceiptOnline(input(seenSmall), depsFor(log, async () => [toHex(new Uint8Array(32))]));
    assert.equal(wrongProof.ok ? 'ok' : wrongProof.code, 'LOG_FORKED');
  });

  it('When the registry presents another key than the pinned one, or a malformed answer, then it says so', async () => {
    const { log, receipt, index } = issuedReceipt();
    const other = miniLog('other');
    const v = await verifyReceiptOnline({
      receiptId: receipt, logKey: log.verifierKey, response: verifyResponse(log, index, receipt, 'wh-mini'),
      seen: { ...seenOf(log, 2), verifierKey: other.verifierKey },
    }, depsFor(log));
    assert.equal(v.ok ? 'ok' : v.code, 'LOG_KEY_CHANGED');
    const bad = await verifyReceiptOnline({ receiptId: receipt, logKey: log.verifierKey, response: { receipt, status: 'lost' } }, depsFor(log));
    assert.equal(bad.ok ? 'ok' : bad.code, 'EVIDENCE_MALFORMED');
    const key = await verifyReceiptOnline({ receiptId: receipt, logKey: 'not-a-key', response: verifyResponse(log, index, receipt, 'wh-mini') }, depsFor(log));
    assert.equal(key.ok ? 'ok' : key.code, 'LOG_KEY_INVALID');
  });
});

describe('web verifier: evidence from the real pipeline', () => {
  let h: LedgerHarness;
  after(async () => h?.close());

  it('When a receipt is issued by the commit pipeline, then the verifier accepts the evidence the server would serve', async () => {
    h = await openHarness('memory');
    const c = await registerCast(h);
    await h.submit('lot.deposit', LOT, [c.warehouse]);
    const issued = await h.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse]);
    const receipt = `rc-${String(issued.index).padStart(12, '0')}`;
    const cp = (await h.store.latestCheckpoint())!;
    const [rec] = await h.store.entries(issued.index, issued.index + 1);
    const proof = await new LogReader(h.store).inclusion(issued.index, cp.size);
    const response = {
      receipt, status: 'active', underLien: false, warehouse: 'wh-north', issuedIndex: issued.index, lastChangedIndex: issued.index, checkpointSize: cp.size,
      evidence: { index: issued.index, leaf: toBase64(rec!.leaf), size: cp.size, proof: proof.proof.map(toHex), checkpoint: cp.note },
    };
    const parties = new Map([[c.warehouse.id, [{ publicKey: c.warehouse.publicKeyB64, from: 0 }]]]);
    const v = await verifyReceiptOnline({ receiptId: receipt, logKey: h.signer.verifierKey, response }, {
      keyHistory: async (id) => parties.get(id),
      consistency: async () => undefined,
    });
    assert.ok(v.ok, v.ok ? '' : v.reason);
  });
});

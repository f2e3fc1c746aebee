import assert from 'node:assert/strict';
import { openCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { parseVerifierKey } from '../../../ledger/checkpoint/note.js';
import { fromBase64, fromHex, toHex } from '../../../ledger/encoding/bytes.js';
import { hashLeaf } from '../../../ledger/merkle/hash.js';
import { verifyConsistency, verifyInclusion } from '../../../ledger/merkle/verify.js';
import { buildTx, testKey } from '../../support/ledger-harness.js';
import { openHttpHarness, type HttpHarness } from '../../support/http-harness.js';
import { registerCast, runLifecycle } from '../../support/lifecycle.js';

async function problem(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  assert.equal(res.status, status, `expected ${status} ${code}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body['code'], code);
  assert.equal(body['type'], `urn:ledgerhouse:error:${code}`);
  assert.equal(body['status'], status);
  assert.equal(typeof body['title'], 'string');
  return body;
}

describe('HTTP ledger endpoints', () => {
  let h: HttpHarness;
  before(async () => {
    h = await openHttpHarness();
    await runLifecycle(h.ledger, await registerCast(h.ledger));
  });
  after(async () => {
    await h.close();
  });
  const get = (path: string, token?: string) =>
    fetch(`${h.url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

  it('When an auditor fetches the checkpoint and key, then the note verifies with the published key', async () => {
    const note = await (await get('/v1/ledger/checkpoint')).text();
    const key = (await (await get('/v1/ledger/key')).text()).trim();
    const cp = openCheckpoint(note, parseVerifierKey(key));
    assert.equal(cp.size, h.ledger.pipeline.size);
  });

  it('When leaves are listed, then the range is end-exclusive and the hashes match the entry bytes', async () => {
    const { token } = await h.token('regulator');
    const leaves = (await (await get('/v1/ledger/leaves?start=2&end=5')).json()) as { leaves: { index: number; leafHash: string }[] };
    assert.deepEqual(leaves.leaves.map((l) => l.index), [2, 3, 4]);
    const entries = (await (await get('/v1/ledger/entries?start=2&end=5', token)).json()) as { entries: { index: number; leaf: string; entry: { index: number } }[] };
    entries.entries.forEach((e, i) => {
      assert.equal(toHex(hashLeaf(fromBase64(e.leaf))), leaves.leaves[i]!.leafHash);
      assert.equal(e.entry.index, e.index);
    });
  });

  it('When a proof is fetched, then it verifies with the pure RFC 9162 verifier against the checkpoint root', async () => {
    const size = h.ledger.pipeline.size;
    const inc = (await (await get(`/v1/ledger/proof/inclusion?index=3&size=${size}`)).json()) as { leafHash: string; rootHash: string; proof: string[] };
    assert.ok(verifyInclusion(fromHex(inc.leafHash), 3, size, inc.proof.map((p) => fromHex(p)), fromHex(inc.rootHash)));
    const con = (await (await get(`/v1/ledger/proof/consistency?first=2&second=${size}`)).json()) as { firstRoot: string; secondRoot: string; proof: string[] };
    assert.ok(verifyConsistency(2, size, con.proof.map((p) => fromHex(p)), fromHex(con.firstRoot), fromHex(con.secondRoot)));
  });

  it('When indices are out of range or malformed, then the answer is a 4xx problem+json naming the parameter', async () => {
    const size = h.ledger.pipeline.size;
    await problem(await get(`/v1/ledger/leaves?start=0&end=${size + 1}`), 400, 'INDEX_OUT_OF_RANGE');
    await problem(await get('/v1/ledger/leaves?start=3&end=3'), 400, 'QUERY_INVALID');
    await problem(await get('/v1/ledger/leaves?start=-1&end=3'), 400, 'QUERY_INVALID');
    await problem(await get('/v1/ledger/leaves?start=0x1&end=3'), 400, 'QUERY_INVALID');
    await problem(await get('/v1/ledger/leaves?end=3'), 400, 'QUERY_INVALID');
    await problem(await get(`/v1/ledger/proof/inclusion?index=${size}&size=${size}`), 400, 'INDEX_OUT_OF_RANGE');
    await problem(await get('/v1/ledger/proof/inclusion?index=1&size=99999999999999999'), 400, 'QUERY_INVALID');
    const body = await problem(await get(`/v1/ledger/proof/consistency?first=0&second=${size}`), 400, 'INDEX_OUT_OF_RANGE');
    assert.equal(body['field'], 'first');
  });

  it('When entry contents are asked without a token, or with a bad, expired or revoked one, then 401 problem+json', async () => {
    await problem(await get('/v1/ledger/entries?start=0&end=2'), 401, 'UNAUTHENTICATED');
    await problem(await get('/v1/ledger/entries?start=0&end=2', 'lh_000000000000_garbage'), 401, 'UNAUTHENTICATED');
    const expired = await h.token('regulator', -1);
    await problem(await get('/v1/ledger/entries?start=0&end=2', expired.token), 401, 'UNAUTHENTICATED');
    const revoked = await h.token('regulator');
    await h.tokens.revoke(revoked.id, new Date().toISOString());
    const body = await problem(await get('/v1/ledger/entries?start=0&end=2', revoked.token), 401, 'UNAUTHENTICATED');
    assert.match(String(body['detail']), /revoked/);
  });

  it('When a holder reads entries, then it sees only entries it signed or that concern its objects', async () => {
    const { token } = await h.token('bob');
    const size = h.ledger.pipeline.size;
    const body = (await (await get(`/v1/ledger/entries?start=0&end=${size}`, token)).json()) as { entries: { entry: { sigs: { signer: string }[] } }[] };
    assert.ok(body.entries.length >= 1);
    const types = body.entries.map((e) => (e.entry as unknown as { tx: { type: string } }).tx.type);
    // bob signed the transfer of his receipt to alice; having given it away he no longer sees its other entries,
    // and nothing of alice's pledge with bank-a.
    assert.ok(types.includes('receipt.transfer'), types.join());
    assert.ok(!types.includes('receipt.issue'), types.join());
    assert.ok(!types.includes('pledge.create'), types.join());
  });

  it('When an unknown route is asked, then 404 problem+json', async () => {
    await problem(await get('/v1/nothing-here'), 404, 'NOT_FOUND');
  });
});

describe('HTTP POST /v1/transactions', () => {
  let h: HttpHarness;
  before(async () => {
    h = await openHttpHarness();
  });
  after(async () => {
    await h.close();
  });
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${h.url}/v1/transactions`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const register = (id: string) =>
    buildTx('party.register', { id, role: 'holder', name: id, publicKey: testKey(id).publicKeyB64 }, [h.ledger.operator]);

  it('When a signed transaction is posted, then 201 with its index; the same again answers 200 duplicate with the same index', async () => {
    const signed = JSON.stringify(register('web-1'));
    const first = await post(signed);
    assert.equal(first.status, 201);
    const a = (await first.json()) as { index: number; duplicate: boolean };
    const again = await post(signed);
    assert.equal(again.status, 200);
    const b = (await again.json()) as { index: number; duplicate: boolean };
    assert.deepEqual([b.index, b.duplicate, a.duplicate], [a.index, true, false]);
  });

  it('When the body is malformed, duplicated, mistyped, oversized or of the wrong media type, then a problem+json says which', async () => {
    await problem(await post('{"tx":'), 400, 'JSON_MALFORMED');
    const dup = JSON.stringify(register('web-2')).replace('{"tx":', '{"sigs":[],"tx":');
    await problem(await post(dup), 400, 'JSON_DUPLICATE_KEY');
    await problem(await post(JSON.stringify({ ...register('web-3'), extra: true })), 400, 'TX_MALFORMED');
    await problem(await post('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(await post(JSON.stringify({ pad: 'x'.repeat(200 * 1024) })), 413, 'BODY_TOO_LARGE');
    await problem(await post('[1,2]'), 400, 'TX_MALFORMED');
  });

  it('When the signature is forged or the contract refuses, then the stable code and the right status come back', async () => {
    const forged = buildTx('party.register', { id: 'web-4', role: 'holder', name: 'x', publicKey: testKey('web-4').publicKeyB64 }, [testKey('operator', 'evil')]);
    await problem(await post(JSON.stringify(forged)), 403, 'SIGNATURE_INVALID');
    await post(JSON.stringify(register('web-5')));
    const again = buildTx('party.register', { id: 'web-5', role: 'bank', name: 'x', publicKey: testKey('web-5b').publicKeyB64 }, [h.ledger.operator]);
    const body = await problem(await post(JSON.stringify(again)), 409, 'PARTY_EXISTS');
    assert.equal(body['field'], '/id');
    const unknown = buildTx('receipt.teleport', {}, [h.ledger.operator]);
    await problem(await post(JSON.stringify(unknown)), 400, 'TX_UNKNOWN_TYPE');
  });
});

import assert from 'node:assert/strict';
import { openHttpHarness, type HttpHarness } from '../../support/http-harness.js';
import { issueBody, LOT, pledgeBody, registerCast } from '../../support/lifecycle.js';

const rc = (i: number) => `rc-${String(i).padStart(12, '0')}`;
const pl = (i: number) => `pl-${String(i).padStart(12, '0')}`;

describe('REST resources and object-level access', () => {
  let h: HttpHarness;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  before(async () => {
    h = await openHttpHarness();
    const c = await registerCast(h.ledger);
    await h.ledger.submit('lot.deposit', LOT, [c.warehouse]);
    ids['a'] = rc((await h.ledger.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse])).index);
    ids['b'] = rc((await h.ledger.submit('receipt.issue', issueBody('30.000', 'bob'), [c.warehouse])).index);
    ids['plA'] = pl((await h.ledger.submit('pledge.create', pledgeBody(ids['a']!, 'bank-a'), [c.alice, c.bankA])).index);
    ids['plB'] = pl((await h.ledger.submit('pledge.create', pledgeBody(ids['b']!, 'bank-b'), [c.bob, c.bankB])).index);
    for (const p of ['alice', 'bob', 'bank-a', 'bank-b', 'regulator', 'wh-north']) tokens[p] = (await h.token(p)).token;
  });
  after(async () => {
    await h.close();
  });
  const get = async (path: string, as?: string) => {
    const res = await fetch(`${h.url}${path}`, as === undefined ? {} : { headers: { authorization: `Bearer ${tokens[as]}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const itemIds = (body: Record<string, unknown>) => (body['items'] as { id: string }[]).map((i) => i.id);

  it("When bank A asks for bank B's collateral through any endpoint, then it gets 404 and empty lists", async () => {
    for (const path of [`/v1/receipts/${ids['b']}`, `/v1/receipts/${ids['b']}/history`, `/v1/pledges/${ids['plB']}`]) {
      const r = await get(path, 'bank-a');
      assert.equal(r.status, 404, path);
      assert.equal(r.body['code'], 'NOT_FOUND');
    }
    assert.deepEqual(itemIds((await get('/v1/receipts', 'bank-a')).body), [ids['a']]);
    assert.deepEqual(itemIds((await get('/v1/pledges', 'bank-a')).body), [ids['plA']]);
    assert.deepEqual(itemIds((await get('/v1/receipts', 'bank-b')).body), [ids['b']]);
  });

  it('When a holder lists receipts, then it sees its own, filtered as asked', async () => {
    assert.deepEqual(itemIds((await get('/v1/receipts', 'alice')).body), [ids['a']]);
    assert.deepEqual(itemIds((await get('/v1/receipts?status=active', 'alice')).body), []);
    assert.deepEqual(itemIds((await get('/v1/receipts?status=pledged', 'bob')).body), [ids['b']]);
    const hist = await get(`/v1/receipts/${ids['a']}/history`, 'alice');
    assert.deepEqual((hist.body['events'] as { type: string }[]).map((e) => e.type).slice(0, 2).length, 2);
  });

  it('When the warehouse and the regulator list receipts, then they see all the warehouse issued, paginated', async () => {
    assert.deepEqual(itemIds((await get('/v1/receipts', 'wh-north')).body).sort(), [ids['a'], ids['b']].sort());
    const first = await get('/v1/receipts?limit=1', 'regulator');
    assert.equal(itemIds(first.body).length, 1);
    const second = await get(`/v1/receipts?limit=1&after=${String(first.body['next'])}`, 'regulator');
    assert.notDeepEqual(itemIds(second.body), itemIds(first.body));
  });

  it('When anyone checks a receipt at the public verifier, then they learn status and lien, and nothing commercial', async () => {
    const r = await get(`/v1/verify/${ids['b']}`);
    assert.equal(r.status, 200);
    assert.equal(r.body['status'], 'pledged');
    assert.equal(r.body['underLien'], true);
    const { evidence, ...rest } = r.body as { evidence: { leaf: string } };
    assert.ok(evidence.leaf.length > 0);
    assert.doesNotMatch(Buffer.from(evidence.leaf, 'base64').toString(), /250000|USD|bank-b/);
    const text = JSON.stringify(rest);
    for (const secret of ['bank-b', 'bob', '250000', 'USD', '30.000']) assert.ok(!text.includes(secret), secret);
    assert.equal((await get('/v1/verify/rc-999999999999')).status, 404);
  });

  it('When a token is missing, expired or the query is malformed, then a problem+json says so', async () => {
    assert.equal((await get('/v1/receipts')).status, 401);
    assert.equal((await get('/v1/receipts?limit=0', 'alice')).body['code'], 'QUERY_INVALID');
    assert.equal((await get('/v1/receipts?limit=abc', 'alice')).body['code'], 'QUERY_INVALID');
    assert.equal((await get('/v1/receipts?colour=red', 'alice')).body['code'], 'QUERY_INVALID');
    assert.equal((await get('/v1/receipts?status=lost', 'alice')).body['code'], 'QUERY_INVALID');
  });

  it('When the OpenAPI document is fetched, then it is OpenAPI 3.1 and lists every route with its access rule', async () => {
    const doc = (await get('/v1/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { description: string }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const p of ['/v1/receipts/{id}', '/v1/ledger/proof/inclusion', '/v1/transactions', '/v1/verify/{id}']) assert.ok(doc.paths[p], p);
    assert.match(doc.paths['/v1/receipts/{id}']!['get']!.description, /Access:/);
    const html = await (await fetch(`${h.url}/v1/docs`)).text();
    assert.match(html, /Ledgerhouse API reference/);
  });

  it('When a JSON resource is asked with HEAD, then the headers are those of GET (type, length) and there is no body', async () => {
    const got = await fetch(`${h.url}/v1/openapi.json`);
    const text = await got.text();
    const head = await fetch(`${h.url}/v1/openapi.json`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(got.headers.get('content-length'), head.headers.get('content-length'));
    assert.equal(await head.text(), '');
    assert.equal(got.headers.get('etag'), null, 'answers are not hashed for validators');
  });

  it('When Prometheus scrapes /metrics, then HTTP latency and log size are exposed', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    assert.match(text, /ledgerhouse_http_request_duration_seconds_bucket/);
    assert.match(text, /ledgerhouse_ledger_size \d+/);
  });
});

describe('Receipt PDF over HTTP', () => {
  let h: HttpHarness;
  let receipt: string;
  before(async () => {
    h = await openHttpHarness();
    const c = await registerCast(h.ledger);
    await h.ledger.submit('lot.deposit', LOT, [c.warehouse]);
    receipt = rc((await h.ledger.submit('receipt.issue', issueBody('40.000', 'alice'), [c.warehouse])).index);
  });
  after(async () => {
    await h.close();
  });

  it('When the holder downloads the PDF, then it is a PDF whose embedded evidence verifies; another bank gets 404', async () => {
    const { verifyReceiptPdf } = await import('../../../server/pdf/verify-pdf.js');
    const alice = (await h.token('alice')).token;
    const res = await fetch(`${h.url}/v1/receipts/${receipt}/pdf`, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const verdict = await verifyReceiptPdf(new Uint8Array(await res.arrayBuffer()), { trustedKey: h.ledger.signer.verifierKey });
    assert.equal(verdict.ok, true, JSON.stringify(verdict.checks.filter((c) => !c.ok)));
    const bankB = (await h.token('bank-b')).token;
    const denied = await fetch(`${h.url}/v1/receipts/${receipt}/pdf`, { headers: { authorization: `Bearer ${bankB}` } });
    assert.equal(denied.status, 404);
  });
});

describe('Refused submissions are recorded', () => {
  it('When a warehouse over-issues and a forged pledge is sent, then both refusals are counted, logged and listed for the regulator; the warehouse sees its own', async () => {
    const { SqliteRefusalLog } = await import('../../../server/refusals/refusal-log.js');
    const { createApp } = await import('../../../server/http/app.js');
    const { createMetrics } = await import('../../../server/http/metrics.js');
    const { LogReader } = await import('../../../ledger/log/log-reader.js');
    const { pino } = await import('pino');
    const { createServer } = await import('node:http');
    const { buildTx, testKey, ORIGIN } = await import('../../support/ledger-harness.js');
    const h = await openHttpHarness();
    const db = (h.ledger.store as unknown as { db: import('../../../ledger/store/sqlite-database.js').SqliteDatabase }).db;
    const metrics = createMetrics();
    const app = createApp({
      store: h.ledger.store, reader: new LogReader(h.ledger.store), pipeline: h.ledger.pipeline, tokens: h.tokens, clock: h.ledger.clock,
      verifierKey: h.ledger.signer.verifierKey, origin: ORIGIN, logger: pino({ level: 'silent' }), metrics, refusals: new SqliteRefusalLog(db),
    });
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const c = await registerCast(h.ledger);
      await h.ledger.submit('lot.deposit', LOT, [c.warehouse]);
      const post = (signed: unknown) => fetch(`${url}/v1/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) });
      assert.equal((await post(buildTx('receipt.issue', issueBody('500.000', 'alice'), [c.warehouse]))).status, 409);
      assert.equal((await post(buildTx('pledge.create', pledgeBody('rc-000000000001', 'bank-a'), [testKey('alice', 'thief'), c.bankA]))).status, 403);
      const as = async (party: string) => {
        const t = (await h.token(party)).token;
        return ((await (await fetch(`${url}/v1/refusals`, { headers: { authorization: `Bearer ${t}` } })).json()) as { items: { code: string; type: string; signers: string[] }[] }).items;
      };
      assert.deepEqual((await as('regulator')).map((r) => r.code), ['SIGNATURE_INVALID', 'LOT_OVER_DEPOSITED']);
      assert.deepEqual((await as('wh-north')).map((r) => r.type), ['receipt.issue']);
      assert.deepEqual(await as('bob'), []);
      const text = await (await fetch(`${url}/metrics`)).text();
      assert.match(text, /ledgerhouse_tx_refused_total\{type="receipt.issue",code="LOT_OVER_DEPOSITED"\} 1/);
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await h.close();
    }
  });
});

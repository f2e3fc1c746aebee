import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forbiddenRange, UrlPolicy, type LookupFn } from '../../../server/webhooks/url-policy.js';
import { guardedPost } from '../../../server/webhooks/webhook-sender.js';
import { openWebhookHarness, type WebhookHarness } from './webhook-harness.js';

/** A resolver with fixed answers (names under .test never reach real DNS). */
const answers = (table: Record<string, string[]>): LookupFn => async (host) => {
  const found = table[host];
  if (found === undefined) throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const refusal = async (policy: UrlPolicy, url: string): Promise<string | undefined> => policy.refusal(new URL(url));

describe('server/webhooks: the webhook URL policy (SSRF)', () => {
  it('When an address is in a forbidden class, then it is named; public addresses pass', () => {
    const cases: [string, RegExp][] = [
      ['127.0.0.1', /loopback/], ['127.255.0.9', /loopback/], ['::1', /loopback/],
      ['10.1.2.3', /RFC 1918/], ['172.16.0.1', /RFC 1918/], ['172.31.255.255', /RFC 1918/], ['192.168.1.1', /RFC 1918/],
      ['169.254.169.254', /link-local.*metadata/], ['fe80::1', /link-local/],
      ['100.64.0.1', /carrier-grade NAT/], ['100.127.255.254', /carrier-grade NAT/],
      ['fc00::1', /unique-local/], ['fd12:3456::1', /unique-local/],
      ['::ffff:127.0.0.1', /IPv4-mapped/], ['::ffff:8.8.8.8', /IPv4-mapped/],
      ['224.0.0.1', /multicast/], ['ff02::1', /multicast/],
      ['0.0.0.0', /unspecified/], ['::', /unspecified/], ['255.255.255.255', /reserved/],
      ['192.0.2.10', /documentation/], ['64:ff9b::a00:1', /NAT64/], ['::127.0.0.1', /IPv4-compatible/],
    ];
    for (const [address, reason] of cases) assert.match(forbiddenRange(address) ?? 'public', reason, address);
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111']) {
      assert.equal(forbiddenRange(address), undefined, address);
    }
  });

  it('When the URL is plain http, carries credentials or names a forbidden address literal, then the default policy refuses it', async () => {
    const policy = new UrlPolicy({ lookup: answers({ 'bank.test': ['93.184.216.34'] }) });
    assert.match(await refusal(policy, 'http://bank.test/hook') ?? '', /scheme must be https/);
    assert.match(await refusal(policy, 'https://u:p@bank.test/hook') ?? '', /credentials/);
    assert.match(await refusal(policy, 'https://169.254.169.254/latest/meta-data/') ?? '', /metadata/);
    assert.match(await refusal(policy, 'https://[::1]:8443/') ?? '', /loopback/);
    assert.match(await refusal(policy, 'https://[::ffff:10.0.0.1]/') ?? '', /IPv4-mapped/);
    assert.match(await refusal(policy, 'https://2130706433/') ?? '', /loopback/); // WHATWG URL: 2130706433 → 127.0.0.1
    assert.equal(await refusal(policy, 'https://bank.test/hook'), undefined);
  });

  it('When any address a host name resolves to is forbidden, then the name is refused', async () => {
    const policy = new UrlPolicy({ lookup: answers({ 'mixed.test': ['93.184.216.34', '10.0.0.7'], 'v6.test': ['fd00::5'] }) });
    assert.match(await refusal(policy, 'https://mixed.test/') ?? '', /mixed\.test' resolves to 10\.0\.0\.7 is a private/);
    assert.match(await refusal(policy, 'https://v6.test/') ?? '', /unique-local/);
    assert.match(await refusal(policy, 'https://nowhere.test/') ?? '', /does not resolve \(ENOTFOUND\)/);
  });

  it('When localhost is resolved by the system resolver, then it is refused as loopback', async () => {
    assert.match(await refusal(new UrlPolicy(), 'https://localhost/hook') ?? '', /loopback/);
  });

  it('When the operator allows a host, address or range, then exactly those internal targets pass', async () => {
    const lookup = answers({ 'hooks.internal': ['10.20.0.5'], 'other.internal': ['10.20.0.6'] });
    const policy = new UrlPolicy({ allowHttp: true, allowHosts: ['hooks.internal', '127.0.0.1', '192.168.7.0/24'], lookup });
    assert.equal(await refusal(policy, 'https://hooks.internal/x'), undefined);
    assert.equal(await refusal(policy, 'http://127.0.0.1:9000/x'), undefined);
    assert.equal(await refusal(policy, 'https://192.168.7.200/x'), undefined);
    assert.match(await refusal(policy, 'https://other.internal/x') ?? '', /private/);
    assert.match(await refusal(policy, 'https://127.0.0.2/x') ?? '', /loopback/);
    assert.match(await refusal(policy, 'ftp://hooks.internal/x') ?? '', /http or https/);
  });

  it('When an allowlist entry is malformed, then the policy throws naming it', () => {
    assert.throws(() => new UrlPolicy({ allowHosts: ['10.0.0.0/40'] }), /'10\.0\.0\.0\/40'/);
    assert.throws(() => new UrlPolicy({ allowHosts: ['bad host!'] }), /'bad host!'/);
    // An empty or extra prefix is not /0 (which would allow every address).
    assert.throws(() => new UrlPolicy({ allowHosts: ['10.0.0.0/'] }), /'10\.0\.0\.0\/'/);
    assert.throws(() => new UrlPolicy({ allowHosts: ['10.0.0.0/8/8'] }), /'10\.0\.0\.0\/8\/8'/);
  });

  describe('at delivery time', () => {
    let server: Server;
    let port: number;
    let hits = 0;
    before(async () => {
      server = createServer((_req, res) => {
        hits += 1;
        res.statusCode = 204;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    it('When a name now resolves to a forbidden address (DNS rebinding), then the delivery is refused and nothing is sent', async () => {
      const table: Record<string, string[]> = { 'rebind.test': ['93.184.216.34'] };
      const policy = new UrlPolicy({ allowHttp: true, lookup: answers(table) });
      assert.equal(await refusal(policy, `http://rebind.test:${port}/hook`), undefined); // registration passes
      table['rebind.test'] = ['127.0.0.1'];
      const before = hits;
      const result = await guardedPost(policy)(`http://rebind.test:${port}/hook`, new Uint8Array([1]), {}, new AbortController().signal);
      assert.equal(result.ok, false);
      assert.match(result.error ?? '', /refused by the URL policy: host 'rebind\.test' resolves to 127\.0\.0\.1 is a loopback address/);
      assert.equal(hits, before);
    });

    it('When a name passes, then the delivery connects to the address that was checked', async () => {
      // receiver.test exists only in this resolver: reaching the receiver proves the checked address was used.
      const policy = new UrlPolicy({ allowHttp: true, allowHosts: ['receiver.test'], lookup: answers({ 'receiver.test': ['127.0.0.1'] }) });
      const before = hits;
      const result = await guardedPost(policy)(`http://receiver.test:${port}/hook`, new Uint8Array([1]), {}, new AbortController().signal);
      assert.deepEqual(result, { ok: true, status: 204 });
      assert.equal(hits, before + 1);
    });
  });

  describe('at registration (POST /v1/webhooks)', () => {
    let h: WebhookHarness;
    before(async () => {
      h = await openWebhookHarness({ urlPolicy: new UrlPolicy({ lookup: answers({ 'bank.test': ['93.184.216.34'], 'sneaky.test': ['192.168.0.10'] }) }) });
    });
    after(async () => h.close());

    it('When the default policy refuses the URL, then it answers 400 WEBHOOK_URL_FORBIDDEN naming /url and stores nothing', async () => {
      for (const [url, reason] of [
        ['http://bank.test/hook', /https/], ['https://127.0.0.1:8443/hook', /loopback/], ['https://169.254.169.254/', /metadata/],
        ['https://sneaky.test/hook', /private/], ['https://100.64.1.1/', /carrier-grade/], ['https://[fd00::1]/', /unique-local/],
      ] as const) {
        const res = await h.api<{ status: number; code: string; field: string; detail: string }>('POST', '/v1/webhooks', 'bank-a', { url, channels: ['alerts'] });
        assert.equal(res.status, 400, url);
        assert.equal(res.json.code, 'WEBHOOK_URL_FORBIDDEN', url);
        assert.equal(res.json.field, '/url');
        assert.match(res.json.detail, reason, url);
      }
      assert.deepEqual((await h.api<{ webhooks: unknown[] }>('GET', '/v1/webhooks', 'bank-a')).json.webhooks, []);
      const ok = await h.api('POST', '/v1/webhooks', 'bank-a', { url: 'https://bank.test/hook', channels: ['alerts'] });
      assert.equal(ok.status, 201);
    });
  });
});

import assert from 'node:assert/strict';
import { HttpProblem } from '../../../server/http/problem.js';
import { parseRegistration, parseReplay } from '../../../server/webhooks/webhook-request.js';

function refused(f: () => unknown): HttpProblem {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof HttpProblem);
    assert.equal(e.code, 'WEBHOOK_INVALID');
    return e;
  }
  assert.fail('accepted');
}

describe('server/webhooks: registration and replay requests', () => {
  it('When a registration is well formed, then its url is normalised and since is optional', () => {
    assert.deepEqual(parseRegistration({ url: 'https://Bank.example/hooks/lh', channels: ['pledges', 'alerts'] }), {
      url: 'https://bank.example/hooks/lh', channels: ['pledges', 'alerts'],
    });
    assert.deepEqual(parseRegistration({ url: 'http://127.0.0.1:9000/', channels: ['ledger'], since: 0 }), {
      url: 'http://127.0.0.1:9000/', channels: ['ledger'], since: 0,
    });
  });

  it('When the url is not an http(s) URL without credentials or fragment, then it is refused naming /url', () => {
    for (const url of ['', 'bank.example/hook', 'ftp://bank.example/x', 'file:///etc/passwd', 'javascript:alert(1)',
      'https://user:pw@bank.example/', 'https://bank.example/#frag', 'https://bank.example/#', 42, `https://x/${'a'.repeat(2100)}`]) {
      assert.equal(refused(() => parseRegistration({ url, channels: ['pledges'] })).field, '/url', String(url));
    }
  });

  it('When channels or since are wrong or a field is unknown, then it is refused naming the field', () => {
    const url = 'https://bank.example/hook';
    assert.equal(refused(() => parseRegistration({ url })).field, '/channels');
    assert.equal(refused(() => parseRegistration({ url, channels: [] })).field, '/channels');
    assert.equal(refused(() => parseRegistration({ url, channels: ['pledges', 'pledges'] })).field, '/channels');
    assert.equal(refused(() => parseRegistration({ url, channels: ['pledges', 'gossip'] })).field, '/channels/1');
    assert.equal(refused(() => parseRegistration({ url, channels: ['pledges'], since: -1 })).field, '/since');
    assert.equal(refused(() => parseRegistration({ url, channels: ['pledges'], since: '3' })).field, '/since');
    assert.equal(refused(() => parseRegistration({ url, channels: ['pledges'], secret: 'x' })).field, '/secret');
    assert.equal(refused(() => parseRegistration([url])).field, '/');
  });

  it('When a replay request is checked, then since is required and must be an index', () => {
    assert.deepEqual(parseReplay({ since: 12 }), { since: 12 });
    assert.equal(refused(() => parseReplay({})).field, '/since');
    assert.equal(refused(() => parseReplay({ since: 1.5 })).field, '/since');
    assert.equal(refused(() => parseReplay({ since: 1, extra: true })).field, '/extra');
  });
});

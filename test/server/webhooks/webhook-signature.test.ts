import assert from 'node:assert/strict';
import { domainMessage } from '../../../ledger/crypto/domain.js';
import { sign } from '../../../ledger/crypto/ed25519.js';
import { toBase64, utf8 } from '../../../ledger/encoding/bytes.js';
import { signWebhookBody } from '../../../server/webhooks/sign-webhook.js';
import { parseSignatureHeader, verifyWebhookSignature, webhookBody } from '../../../server/webhooks/webhook-signature.js';
import { testKey } from '../../support/ledger-harness.js';

const key = testKey('webhook');
const other = testKey('other');
const body = webhookBody({ webhook: 'wh_0123456789abcdef0123', index: 42, seq: 0, event: { type: 'pledge.created', refs: { pledge: ['pl-000000000042'] } } });

describe('server/webhooks: delivery signatures', () => {
  it('When a body is built, then it is the RFC 8785 JSON of {webhook, index, seq, event}', () => {
    assert.equal(
      new TextDecoder().decode(body),
      '{"event":{"refs":{"pledge":["pl-000000000042"]},"type":"pledge.created"},"index":42,"seq":0,"webhook":"wh_0123456789abcdef0123"}',
    );
  });

  it('When the node signs a body, then the header names the key and verifies with its public key, as bytes or as a string', () => {
    const header = signWebhookBody(body, { name: 'webhook', seed: key.seed });
    assert.match(header, /^keyid=webhook,sig=[A-Za-z0-9+/]{86}==$/);
    assert.equal(verifyWebhookSignature(body, header, key.publicKey), true);
    assert.equal(verifyWebhookSignature(new TextDecoder().decode(body), header, key.publicKey), true);
    assert.equal(verifyWebhookSignature(body, header, key.publicKey, 'webhook'), true);
  });

  it('When the signature is the same bytes the portable signer makes over DOMAIN.webhook ‖ body, then the fast path and the portable path agree', () => {
    const portable = toBase64(sign(key.seed, domainMessage('webhook', body)));
    assert.equal(signWebhookBody(body, { name: 'webhook', seed: key.seed }), `keyid=webhook,sig=${portable}`);
  });

  it('When the body, key, key id or domain differ, then verification returns false', () => {
    const header = signWebhookBody(body, { name: 'webhook', seed: key.seed });
    const tampered = Uint8Array.from(body);
    tampered[tampered.length - 3] = tampered[tampered.length - 3]! ^ 1;
    assert.equal(verifyWebhookSignature(tampered, header, key.publicKey), false);
    assert.equal(verifyWebhookSignature(body, header, other.publicKey), false);
    assert.equal(verifyWebhookSignature(body, header, key.publicKey, 'another-key'), false);
    const reformatted = JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 2);
    assert.equal(verifyWebhookSignature(reformatted, header, key.publicKey), false, 'a re-serialised body does not verify');
    const txDomain = `keyid=webhook,sig=${toBase64(sign(key.seed, domainMessage('tx', body)))}`;
    assert.equal(verifyWebhookSignature(body, txDomain, key.publicKey), false, 'a signature from another domain');
    const noDomain = `keyid=webhook,sig=${toBase64(sign(key.seed, body))}`;
    assert.equal(verifyWebhookSignature(body, noDomain, key.publicKey), false, 'a signature without the domain prefix');
  });

  it('When the header is malformed, then verification returns false rather than throwing', () => {
    const sig = signWebhookBody(body, { name: 'webhook', seed: key.seed }).split('sig=')[1]!;
    for (const header of ['', 'sig', `sig=${sig}`, 'keyid=webhook', `keyid=,sig=${sig}`, `keyid=webhook,sig=${sig},sig=${sig}`,
      'keyid=webhook,sig=!!!!', `keyid=webhook,sig=${sig.slice(4)}`, `keyid=webhook;sig=${sig}`]) {
      assert.equal(verifyWebhookSignature(body, header, key.publicKey), false, header);
    }
  });

  it('When the parameters come in another order, with spaces, or with unknown ones, then the header still parses', () => {
    const sig = signWebhookBody(body, { name: 'webhook', seed: key.seed }).split('sig=')[1]!;
    assert.equal(verifyWebhookSignature(body, `sig=${sig}, keyid=webhook, alg=ed25519`, key.publicKey), true);
    assert.deepEqual(parseSignatureHeader(`keyid=webhook,sig=${sig}`)?.keyId, 'webhook');
  });

  it('When arguments have the wrong types, then it throws TypeError', () => {
    assert.throws(() => verifyWebhookSignature(42 as unknown as string, 'x', key.publicKey), TypeError);
    assert.throws(() => verifyWebhookSignature(body, undefined as unknown as string, key.publicKey), TypeError);
    assert.throws(() => verifyWebhookSignature(body, 'x', 'key' as unknown as Uint8Array), TypeError);
    assert.throws(() => signWebhookBody(utf8('x'), { name: 'a,b', seed: key.seed }), TypeError);
  });
});

import assert from 'node:assert/strict';
import { DOMAIN, type Domain, domainMessage } from '../../../ledger/crypto/domain.js';
import { toHex, utf8 } from '../../../ledger/encoding/bytes.js';

describe('ledger/crypto/domain', () => {
  it('When the domains are listed, then each is a distinct ledgerhouse/v1 label ending in a newline', () => {
    const labels = Object.values(DOMAIN);
    assert.equal(new Set(labels).size, labels.length);
    for (const l of labels) assert.match(l, /^ledgerhouse\/v1\/[a-z-]+\n$/);
    // No label is a prefix of another, so domain ‖ payload is unambiguous.
    for (const a of labels) for (const b of labels) if (a !== b) assert.ok(!b.startsWith(a));
  });

  it('When a payload is framed, then the bytes are the label followed by the payload', () => {
    assert.equal(toHex(domainMessage('tx', utf8('{}'))), toHex(utf8('ledgerhouse/v1/tx\n{}')));
  });

  it('When the domain is unknown or the payload is not bytes, then TypeError names the field', () => {
    assert.throws(() => domainMessage('sth' as Domain, utf8('x')), { name: 'TypeError', message: /domain/ });
    assert.throws(() => domainMessage('toString' as Domain, utf8('x')), { name: 'TypeError', message: /domain/ });
    assert.throws(() => domainMessage('tx', 'x' as unknown as Uint8Array), { name: 'TypeError', message: /payload/ });
  });
});

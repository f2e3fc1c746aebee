import assert from 'node:assert/strict';
import type { Party } from '../../../contracts/state.js';
import { bootstrap, CAST, fakeKey } from '../support/test-ledger.js';

describe('contracts: party.rotateKey', () => {
  it('When a party rotates its key, then keyHistory closes the old key after this entry and opens the new one at the next', () => {
    const l = bootstrap();
    const at = l.index;
    l.must('party.rotateKey', { party: CAST.alice, publicKey: fakeKey(300) }, [CAST.alice]);
    const p = l.state.view.get('party', CAST.alice) as Party;
    assert.equal(p.publicKey, fakeKey(300));
    assert.deepEqual(p.keyHistory, [
      { publicKey: fakeKey(3), from: 4, until: at + 1 }, // registered at index 3
      { publicKey: fakeKey(300), from: at + 1 },
    ]);
  });
  it('When a party rotates back to a key it held, then KEY_REUSED', () => {
    const l = bootstrap();
    l.must('party.rotateKey', { party: CAST.alice, publicKey: fakeKey(300) }, [CAST.alice]);
    const out = l.submit('party.rotateKey', { party: CAST.alice, publicKey: fakeKey(3) }, [CAST.alice]);
    assert.equal(out.ok ? 'ok' : out.error.code, 'KEY_REUSED');
  });
  it('When someone else signs the rotation, then SIGNER_MISSING', () => {
    const out = bootstrap().submit('party.rotateKey', { party: CAST.alice, publicKey: fakeKey(300) }, [CAST.op]);
    assert.equal(out.ok ? 'ok' : out.error.code, 'SIGNER_MISSING');
  });
  it('When a party is revoked, then its current key is closed at the revoking entry', () => {
    const l = bootstrap();
    const at = l.index;
    l.must('party.revoke', { party: CAST.bob, reason: 'left' }, [CAST.op]);
    const p = l.state.view.get('party', CAST.bob) as Party;
    assert.equal(p.status, 'revoked');
    assert.equal(p.keyHistory.at(-1)?.until, at);
  });
});

import assert from 'node:assert/strict';
import { FastVerifier, signFast } from '../../../ledger/crypto/ed25519-node.js';
import { checkDeviceConnect, makeDeviceToken, TOKEN_MAX_AGE_MS } from '../../../iot-gateway/verify/device-token.js';
import { testKey } from '../../support/ledger-harness.js';
import { bytes, device, T0 } from '../support/readings.js';

const fast = new FastVerifier();
const verify = (s: Uint8Array, m: Uint8Array, k: Uint8Array) => fast.verify(s, m, k);
const known = new Map([['scale-1', device('scale-1')], ['old-1', device('old-1', { status: 'revoked' })]]);
const lookup = (id: string) => known.get(id);

function connect(clientId: string, username: string | undefined, password: string | undefined, now = T0) {
  return checkDeviceConnect({ clientId, username, password: password === undefined ? undefined : bytes(password) }, lookup, now, verify);
}

describe('iot-gateway verify: device tokens at CONNECT', () => {
  const token = makeDeviceToken('scale-1', T0, testKey('scale-1').seed);

  it('When a device presents a fresh token signed by its key, then it is accepted', () => {
    assert.deepEqual(connect('scale-1', 'scale-1', token), { ok: true });
  });
  it('When the token is made with the OpenSSL signer (load generators), then it is the same token and accepted', () => {
    assert.equal(makeDeviceToken('scale-1', T0, testKey('scale-1').seed, signFast), token);
    assert.deepEqual(connect('scale-1', 'scale-1', makeDeviceToken('scale-1', T0, testKey('scale-1').seed, signFast)), { ok: true });
  });
  it('When the token is just under or over 5 minutes old, then accepted or refused with return code 4', () => {
    assert.equal(connect('scale-1', 'scale-1', token, T0 + TOKEN_MAX_AGE_MS).ok, true);
    const stale = connect('scale-1', 'scale-1', token, T0 + TOKEN_MAX_AGE_MS + 1);
    assert.equal(!stale.ok && stale.returnCode, 4);
    assert.match(!stale.ok ? stale.reason : '', /stale/);
  });
  it('When the client id is empty or differs from the username, then return code 2 (identifier rejected)', () => {
    const empty = connect('', 'scale-1', token);
    assert.equal(!empty.ok && empty.returnCode, 2);
    const other = connect('scale-2', 'scale-1', token);
    assert.equal(!other.ok && other.returnCode, 2);
  });
  it('When the device is unknown or revoked, then return code 5 (not authorized)', () => {
    const unknown = connect('ghost-1', 'ghost-1', makeDeviceToken('ghost-1', T0, testKey('ghost-1').seed));
    assert.equal(!unknown.ok && unknown.returnCode, 5);
    const revoked = connect('old-1', 'old-1', makeDeviceToken('old-1', T0, testKey('old-1').seed));
    assert.equal(!revoked.ok && revoked.returnCode, 5);
  });
  it('When the token is forged, missing, malformed or for another device, then return code 4', () => {
    for (const pw of [makeDeviceToken('scale-1', T0, testKey('mallory').seed), undefined, 'hunter2', '{"device":"scale-1"}',
      makeDeviceToken('other-1', T0, testKey('scale-1').seed)]) {
      const r = connect('scale-1', 'scale-1', pw);
      assert.equal(!r.ok && r.returnCode, 4, String(pw));
    }
  });
});

import assert from 'node:assert/strict';
import { logKeyName } from '../../../web/src/verify/log-key-name.js';
import { forgetSeen, recallSeen, rememberSeen, seenHead, type KeyValueStorage } from '../../../web/src/verify/seen-checkpoints.js';

class MapStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe('web verifier: what a browser remembers about a log', () => {
  it('When a checkpoint is remembered, then it is recalled per log name with its key and root', () => {
    const s = new MapStorage();
    const root = new Uint8Array(32).fill(3);
    rememberSeen(s, 'a.example/log', 'a.example/log+01234567+AQ==', { size: 12, rootHash: root }, '2026-11-24T10:00:00.000Z');
    const seen = recallSeen(s, 'a.example/log')!;
    assert.equal(seen.size, 12);
    assert.deepEqual(seenHead(seen).rootHash, root);
    assert.match(seenHead(seen).label, /2026-11-24/);
    assert.equal(recallSeen(s, 'b.example/log'), undefined);
    forgetSeen(s, 'a.example/log');
    assert.equal(recallSeen(s, 'a.example/log'), undefined);
  });

  it('When the stored record is damaged, then it is dropped rather than trusted', () => {
    const s = new MapStorage();
    s.setItem('ledgerhouse.seen.v1:x', '{"size":"12"}');
    assert.equal(recallSeen(s, 'x'), undefined);
    assert.equal(s.items.size, 0);
    s.setItem('ledgerhouse.seen.v1:x', JSON.stringify({ verifierKey: 'k', size: 3, root: '!!', seenAt: 'now' }));
    assert.equal(recallSeen(s, 'x'), undefined);
  });

  it('When a verifier key is given, then its log name is the part before the first +', () => {
    assert.equal(logKeyName('ledgerhouse.local/log+abcd1234+AQID\n'), 'ledgerhouse.local/log');
    assert.equal(logKeyName('nonsense'), undefined);
  });
});

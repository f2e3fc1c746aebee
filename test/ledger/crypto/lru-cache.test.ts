import assert from 'node:assert/strict';
import { LruCache } from '../../../ledger/crypto/lru-cache.js';

describe('ledger/crypto/lru-cache', () => {
  it('When the cache is full, then the least recently used entry is evicted', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1); // a is now the most recent
    c.set('c', 3);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), 1);
    assert.equal(c.get('c'), 3);
    assert.equal(c.size, 2);
  });

  it('When a key is set again, then it is updated without growing the cache', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('a', 2);
    assert.equal(c.size, 1);
    assert.equal(c.get('a'), 2);
  });

  it('When the capacity is not a positive integer, then RangeError names it', () => {
    assert.throws(() => new LruCache(0), { name: 'RangeError', message: /capacity/ });
  });
});

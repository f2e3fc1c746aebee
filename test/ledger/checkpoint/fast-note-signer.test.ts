import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signCheckpoint } from '../../../ledger/checkpoint/signed-checkpoint.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { signFast } from '../../../ledger/crypto/ed25519-node.js';

describe('Checkpoint signing with the node:crypto fast path', () => {
  it('When a checkpoint is signed with signFast, then the note is byte-identical to the portable signer’s', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 1e9 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed, size, rootHash) => {
        const cp = { origin: 'example.com/log', size, rootHash, extensions: [] };
        const portable = signCheckpoint(cp, { name: cp.origin, seed });
        const fast = signCheckpoint(cp, { name: cp.origin, seed, sign: signFast, publicKey: publicKeyFromSeed(seed) });
        assert.equal(fast, portable);
      }),
      { numRuns: 50 },
    );
  });
});

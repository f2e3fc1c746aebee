// Child process for verify-pool.test.ts: verifies one signature through a pool, then either closes the pool or
// forgets it, and prints the verdict. The test checks that the process ends on its own either way.
import { signFast } from '../../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed } from '../../../ledger/crypto/ed25519.js';
import { VerifyPool } from '../../../ledger/crypto/verify-pool.js';

const seed = new Uint8Array(32).fill(3);
const msg = new TextEncoder().encode('child');
const pool = new VerifyPool({ size: 2 });
const ok = await pool.verify(signFast(seed, msg), msg, publicKeyFromSeed(seed));
if (process.argv[2] === 'close') await pool.close();
process.stdout.write(`verdict ${ok}\n`);

import { FastVerifier, signFast } from '../../ledger/crypto/ed25519-node.js';
import { publicKeyFromSeed, checkPublicKey } from '../../ledger/crypto/ed25519.js';
import { verify as nodeVerify, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
const seed = new Uint8Array(32).fill(3); const pk = publicKeyFromSeed(seed);
const msg = new Uint8Array(400).fill(1); const sig = signFast(seed, msg);
const v = new FastVerifier();
const { publicKey, privateKey } = generateKeyPairSync('ed25519'); const s2 = sign(null, msg, privateKey);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (let i = 0; i < 2000; i++) v.verify(sig, msg, pk); const a = (performance.now() - t) / 2;
  t = performance.now(); for (let i = 0; i < 2000; i++) nodeVerify(null, msg, publicKey, s2); const b = (performance.now() - t) / 2;
  t = performance.now(); for (let i = 0; i < 2000; i++) signFast(seed, msg); const c = (performance.now() - t) / 2;
  t = performance.now(); for (let i = 0; i < 50; i++) checkPublicKey(pk); const d = (performance.now() - t) * 1000 / 50;
  console.log('FastVerifier us', a.toFixed(1), 'raw node verify us', b.toFixed(1), 'signFast us', c.toFixed(1), 'checkPublicKey us', d.toFixed(0));
}

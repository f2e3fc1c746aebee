import { hashLeaf } from '../../ledger/merkle/hash.js';
import { utf8 } from '../../ledger/encoding/bytes.js';
import { minimalEntry } from '../synthetic-entries.js';
for (let r = 0; r < 4; r++) {
  let s = performance.now();
  const leaves = Array.from({ length: 131072 }, (_, i) => utf8(`{"index":${i}}`));
  const a = performance.now() - s; s = performance.now();
  const hashes = leaves.map((l) => hashLeaf(l));
  const b = performance.now() - s; s = performance.now();
  const entries = hashes.map((h, i) => minimalEntry(i, h));
  const c = performance.now() - s;
  console.log((a * 1000 / 131072).toFixed(2), (b * 1000 / 131072).toFixed(2), (c * 1000 / 131072).toFixed(2), entries.length);
}

import { appendLeaves, emptyEdge } from '../../ledger/merkle/compact-range.js';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { utf8 } from '../../ledger/encoding/bytes.js';
import { SqliteLedgerStore } from '../../ledger/store/sqlite-ledger-store.js';
import { minimalEntry } from '../synthetic-entries.js';
import { tempDir } from '../temp-dir.js';
const cache = process.argv[2] ?? '';
const tmp = tempDir(); const store = new SqliteLedgerStore(tmp.file('l.db'));
if (cache) store.db.pragma(`cache_size = ${cache}`);
let edge = emptyEdge(); const t = { mk: 0, app: 0, commit: 0 };
while (edge.size < 1_000_000) {
  let s = performance.now();
  const entries = Array.from({ length: 131072 }, (_, i) => minimalEntry(edge.size + i, hashLeaf(utf8(`{"index":${edge.size + i}}`))));
  t.mk += performance.now() - s; s = performance.now();
  const a = appendLeaves(edge, entries.map((e) => e.leafHash));
  t.app += performance.now() - s; s = performance.now();
  await store.commit({ entries, nodes: a.nodes, writes: [], events: [], checkpoint: { size: a.edge.size, rootHash: new Uint8Array(32), note: 'x' } });
  t.commit += performance.now() - s; edge = a.edge;
}
console.log(cache, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v / 1000).toFixed(1) + 's'])), tmp.bytes() / 2 ** 20);
await store.close(); tmp.remove();

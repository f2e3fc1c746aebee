import { appendLeaves, emptyEdge } from '../../ledger/merkle/compact-range.js';
import { hashLeaf } from '../../ledger/merkle/hash.js';
import { SqliteLedgerStore } from '../../ledger/store/sqlite-ledger-store.js';
import { syntheticEntries } from '../synthetic-entries.js';
import { tempDir } from '../temp-dir.js';
import { createHash } from 'node:crypto';
for (const sync of ['FULL', 'OFF']) for (const variant of ['real', 'noindexcost']) {
  const tmp = tempDir(); const store = new SqliteLedgerStore(tmp.file('l.db')); store.db.pragma(`synchronous = ${sync}`);
  let edge = emptyEdge(); let commitMs = 0; let hashMs = 0; let nodeHashMs = 0;
  for (let b = 0; b < 30; b++) {
    const input = syntheticEntries(edge.size, 1000);
    let t = performance.now();
    const entries = input.map((e) => ({ ...e, leafHash: hashLeaf(e.leaf), ...(variant === 'noindexcost' ? { txHash: e.index.toString(16).padStart(64, '0') } : {}) }));
    hashMs += performance.now() - t;
    t = performance.now();
    for (const e of input) createHash('sha256').update(new Uint8Array([0])).update(e.leaf).digest();
    nodeHashMs += performance.now() - t;
    const a = appendLeaves(edge, entries.map((e) => e.leafHash));
    t = performance.now();
    await store.commit({ entries, nodes: a.nodes, writes: [], events: [], checkpoint: { size: a.edge.size, rootHash: new Uint8Array(32), note: 'x' } });
    commitMs += performance.now() - t; edge = a.edge;
  }
  console.log(sync, variant, 'commit us/entry', (commitMs / edge.size * 1000).toFixed(2), 'noble leafhash us', (hashMs / edge.size * 1000).toFixed(2), 'node:crypto leafhash us', (nodeHashMs / edge.size * 1000).toFixed(2), 'leaf bytes', input0());
  await store.close(); tmp.remove();
}
function input0() { return syntheticEntries(0, 1)[0]!.leaf.length; }

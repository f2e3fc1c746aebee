import { openBenchLedger } from '../bench-ledger.js';
import { lifecyclePlan, runPlan } from '../lifecycle-plan.js';
import { tempDir } from '../temp-dir.js';
const tmp = tempDir();
let t = performance.now();
const l = await openBenchLedger(tmp.file('l.db'));
console.log('setup ms', performance.now() - t, 'size', l.pipeline.size);
const sizes: number[] = []; l.pipeline.onCommit((b) => sizes.push(b.entries.length));
for (let r = 0; r < 3; r++) {
  const start = l.pipeline.size;
  t = performance.now();
  const plan = lifecyclePlan({ chains: Number(process.argv[2] ?? 200), startIndex: start, tag: `r${r}`, cast: l.cast });
  console.log('sign ms', (performance.now() - t).toFixed(0), plan.txs.length, [...plan.mix]);
  const v0 = l.verifications.count;
  const s = await runPlan(l.pipeline, plan, start);
  console.log('tx/s', (plan.txs.length / s).toFixed(0), 'verifies', l.verifications.count - v0, 'sigs', plan.signatures);
}
console.log('batches', sizes.slice(-20), l.storeCounts);
await l.close(); tmp.remove();

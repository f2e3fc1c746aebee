import { openBenchLedger } from '../bench-ledger.js';
import { lifecyclePlan, runPlan } from '../lifecycle-plan.js';
import { tempDir } from '../temp-dir.js';
const tmp = tempDir();
const l = await openBenchLedger(tmp.file('l.db'));
if (process.argv[3] === 'idx') l.store.db.exec('CREATE INDEX bench_refs ON state_refs (kind, id)');
for (let r = 0; r < 4; r++) {
  const start = l.pipeline.size;
  const plan = lifecyclePlan({ chains: Number(process.argv[2] ?? 200), startIndex: start, tag: `r${r}`, cast: l.cast });
  const v0 = { ...l.verifications };
  const s = await runPlan(l.pipeline, plan, start);
  const n = l.verifications.count - v0.count;
  console.log('tx/s', (plan.txs.length / s).toFixed(0), 'verify us', ((l.verifications.ms - v0.ms) * 1000 / n).toFixed(1), 'verify share', ((l.verifications.ms - v0.ms) / 10 / s).toFixed(1) + '%');
}
await l.close(); tmp.remove();

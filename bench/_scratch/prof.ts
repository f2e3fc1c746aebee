import { openBenchLedger } from '../bench-ledger.js';
import { lifecyclePlan, runPlan } from '../lifecycle-plan.js';
import { cpuProfile } from '../cpu-profile.js';
import { tempDir } from '../temp-dir.js';
const tmp = tempDir();
const l = await openBenchLedger(tmp.file('l.db'));
if (process.argv[3] === 'idx') l.store.db.exec('CREATE INDEX bench_refs ON state_refs (kind, id)');
for (let r = 0; r < 3; r++) {
  const start = l.pipeline.size;
  const plan = lifecyclePlan({ chains: Number(process.argv[2] ?? 200), startIndex: start, tag: `r${r}`, cast: l.cast });
  const p = await cpuProfile(() => runPlan(l.pipeline, plan, start));
  console.log('tx/s', (plan.txs.length / p.value).toFixed(0), 'profiled ms', p.totalMs.toFixed(0));
  for (const s of p.shares) console.log((s.share * 100).toFixed(1).padStart(6), '%', s.ms.toFixed(0).padStart(7), 'ms', s.category);
}
await l.close(); tmp.remove();

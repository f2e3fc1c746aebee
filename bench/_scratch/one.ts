import { ledgerAppend } from '../ledger-append.js';
import { ledgerProofs } from '../ledger-proofs.js';
import { renderTable } from '../report.js';
import type { Benchmark } from '../benchmark.js';
const all: Record<string, Benchmark> = { 'ledger-append': ledgerAppend, 'ledger-proofs': ledgerProofs };
const extra: Record<string, () => Promise<Benchmark>> = {
  'auditor-replay': async () => (await import('../auditor-replay.js')).auditorReplay,
  'pipeline-tx': async () => (await import('../pipeline-tx.js')).pipelineTx,
};
const name = process.argv[2]!;
const b = all[name] ?? await extra[name]!();
const mode = (process.argv[3] ?? 'quick') as 'quick';
const r = await b.run({ mode, rounds: Number(process.argv[4] ?? 3), log: (m) => console.error(m) });
console.log(r.measured, r.verdict); for (const t of r.tables) console.log(renderTable(t)); console.log(r.notes.join('\n\n'));

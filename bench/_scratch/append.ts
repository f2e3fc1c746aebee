import { ledgerAppend } from '../ledger-append.js';
import { renderTable } from '../report.js';
const mode = (process.argv[2] ?? 'quick') as 'quick';
const r = await ledgerAppend.run({ mode, rounds: Number(process.argv[3] ?? 3), log: (m) => console.error(m) });
console.log(r.measured, r.verdict); for (const t of r.tables) console.log(renderTable(t)); console.log(r.notes.join('\n'));

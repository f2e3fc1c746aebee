import { Session } from 'node:inspector/promises';
import { signTx } from '../ledger/tx/sign-tx.js';
import { GATEWAY_ID } from '../server/system.js';
import { startBenchSystem, startLoadClient } from './server-system.js';
import { epochMs } from './server-load-client.js';
const sut = await startBenchSystem({ loadDevices: 0 });
const clients = startLoadClient();
await clients.ask<number>({ kind: 'ws-open', url: sut.url, token: sut.bankToken, count: 5000 });
let n = 0;
async function alert(): Promise<number[]> {
  const tx = { v: 1 as const, type: 'alert.raise', nonce: `p-${++n}`, ts: new Date().toISOString(), body: { gateway: GATEWAY_ID, receipt: sut.receiptId, pledge: sut.pledgeId, severity: 'info', covenant: 'other', message: 'x', observedAt: new Date().toISOString(), devices: [] } };
  let c = 0; const off = sut.system.pipeline.onCommit(() => { c = epochMs(); });
  const { index } = await sut.system.pipeline.submit({ tx, sigs: [signTx(tx, GATEWAY_ID, sut.system.keys.gateway.seed)] }); off();
  const arr = await clients.ask<number[]>({ kind: 'ws-collect', index, timeoutMs: 30000 });
  return arr.map((t) => t - c).sort((a, b) => a - b);
}
await alert();
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
for (let i = 0; i < 3; i++) { const d = await alert(); console.log('p50', d[2500]?.toFixed(1), 'p95', d[4750]?.toFixed(1)); }
const cpu = process.cpuUsage(cpu0); console.log('server cpu ms per alert', ((cpu.user + cpu.system) / 3000).toFixed(1));
const { profile } = await session.post('Profiler.stop');
const byId = new Map(profile.nodes.map((x) => [x.id, x])); const parent = new Map<number, number>(); for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const counts = new Map<number, number>(); profile.samples!.forEach((s, i) => counts.set(s, (counts.get(s) ?? 0) + (profile.timeDeltas![i] ?? 0)));
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const self = new Map<string, number>(); const incl = new Map<string, number>();
const keyOf = (x: any) => `${x.callFrame.functionName || '(anon)'} ${x.callFrame.url.replace(/.*\/main\//, '')}:${x.callFrame.lineNumber}`;
for (const [id, us] of counts) { self.set(keyOf(byId.get(id)), (self.get(keyOf(byId.get(id))) ?? 0) + us); const seen = new Set<string>(); for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) { const k = keyOf(byId.get(cur)); if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + us); } } }
console.log('total ms', (total / 1000).toFixed(0));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log('self', (100 * v / total).toFixed(1).padStart(5), k);
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log('incl', (100 * v / total).toFixed(1).padStart(5), k);
session.disconnect(); await clients.close(); await sut.close(); process.exit(0);

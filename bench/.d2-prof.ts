import { Session } from 'node:inspector/promises';
import http from 'node:http';
import { startBenchSystem } from './server-system.js';

const sut = await startBenchSystem({ loadDevices: Number(process.env.LOADDEV ?? 125) });
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const path = process.env.PATHX ?? `/v1/pledges/${sut.pledgeId}/collateral`;
const get = () => new Promise<number>((resolve, reject) => {
  http.get(`${sut.url}${path}`, { agent, headers: { authorization: `Bearer ${sut.bankToken}` } }, (res) => {
    const chunks: Buffer[] = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => resolve(res.statusCode!));
  }).on('error', reject);
});
console.log(await get());
for (let i = 0; i < 300; i++) await get();
const N = 2000;
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 200 }); await session.post('Profiler.start');
const t0 = performance.now(); const cpu0 = process.cpuUsage();
for (let i = 0; i < N; i += 8) await Promise.all(Array.from({ length: 8 }, get));
const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
console.log(`wall/req ${(wall / N).toFixed(3)} ms, cpu/req ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms (incl client)`);
const self = new Map<string, number>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas!; const counts = new Map<number, number>();
profile.samples!.forEach((s, i) => counts.set(s, (counts.get(s) ?? 0) + (dt[i] ?? 0)));
const total = [...counts.values()].reduce((a, b) => a + b, 0);
for (const [id, us] of counts) { const n = byId.get(id)!; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/main\//, '')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + us); }
// inclusive for our files
const parent = new Map<number, number>(); for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map<string, number>();
for (const [id, us] of counts) { const seen = new Set<string>(); let cur: number | undefined = id; while (cur !== undefined) { const n = byId.get(cur)!; const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/main\//, '')}:${n.callFrame.lineNumber}`; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + us); } cur = parent.get(cur); } }
console.log('--- self top 30'); for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((100 * v / total).toFixed(1).padStart(5), k);
console.log('--- inclusive (server/ledger/iot files) top 40'); for (const [k, v] of [...incl].filter(([k]) => /server\/|ledger\/|iot-gateway\/|contracts\//.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((100 * v / total).toFixed(1).padStart(5), k);
session.disconnect(); await sut.close(); process.exit(0);

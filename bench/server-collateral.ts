// server-collateral: the bank's collateral view (GET /v1/pledges/{id}/collateral) at a fixed offered load while the
// gateway ingests signed readings from real MQTT clients, side by side with a bare express route on the same server.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { fmt, type Benchmark, type Table } from './benchmark.js';
import { GRACE_MS, type HttpLoadResult, type MqttLoadResult } from './server-load-client.js';
import { BARE_PATH, startBenchSystem, startLoadClient } from './server-system.js';
import { median, summarize } from './stats.js';

const RATE = 2_000;
const INGEST = 5_000;
const TARGET_P99_MS = 20;
/** The gateway admits 50 readings/s per device (bursts of 200): 125 devices at 40/s make 5,000/s. */
const LOAD_DEVICES = 125;
/** How long the server's CPU is measured under ingest alone, before the routes are loaded. */
const INGEST_ALONE_MS = 1_500;
/** Longest wait for the server to work off a phase's backlog before the next phase. */
const SETTLE_MS = 5_000;

interface Phase {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly throughput: number;
  readonly errors: number;
  readonly unanswered: number;
  /** CPU time of the server's process (HTTP, gateway, pipeline) per answered request over the phase, ms. */
  readonly cpuMs: number;
  /** Cores the server's process and the HTTP load generator used over the phase. */
  readonly serverCores: number;
  readonly clientCores: number;
  readonly loop: MainThread;
  /** The HTTP load generator's own lateness (see HttpLoadResult.sendLagMs): p99, ms; and the connections it opened. */
  readonly sendLagP99: number;
  readonly connections: number;
}

/** The server's main thread over a phase: event-loop delay (how late a 1 ms timer ran) and garbage-collection pauses, ms. */
interface MainThread {
  readonly delayP99: number;
  readonly delayMax: number;
  readonly gcMs: number;
  readonly gcMaxMs: number;
}

/** Starts watching this process's main thread (the server's: it runs in this process); the call ends the watch. */
function watchMainThread(): () => MainThread {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcMs = 0;
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  delay.enable();
  return () => {
    delay.disable();
    gc.disconnect();
    return { delayP99: delay.percentile(99) / 1e6, delayMax: delay.max / 1e6, gcMs, gcMaxMs };
  };
}

interface Round {
  readonly quiet: Phase;
  readonly bare: Phase;
  readonly collateral: Phase;
  readonly ingestRate: number;
  readonly ingestLost: number;
  /** Cores the server's process used while the readings flowed and no request was sent. */
  readonly ingestCores: number;
  /** Cores the device load generator used over its run. */
  readonly devicesCores: number;
}

function phase(r: HttpLoadResult, cpu: NodeJS.CpuUsage, wallMs: number, loop: MainThread): Phase {
  const s = summarize(r.latenciesMs);
  const answered = r.latenciesMs.length - r.errors;
  const serverMs = (cpu.user + cpu.system) / 1000;
  return {
    p50: s.p50, p99: s.p99, max: s.max, throughput: (1000 * answered) / r.wallMs, errors: r.errors, unanswered: r.unanswered,
    cpuMs: answered === 0 ? Number.NaN : serverMs / answered, serverCores: serverMs / wallMs, clientCores: r.cpuMs / r.wallMs, loop,
    sendLagP99: summarize(r.sendLagMs).p99, connections: r.connections,
  };
}

/** Cores this process uses over `ms` of wall time. */
async function coresOver(ms: number): Promise<number> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const u = process.cpuUsage(cpu);
  return (u.user + u.system) / 1000 / (performance.now() - t0);
}

/** Wait (at most SETTLE_MS) until the server answers a bare request within 50 ms: a phase that overloaded it leaves a backlog behind. */
async function settle(url: string): Promise<void> {
  const until = Date.now() + SETTLE_MS;
  while (Date.now() < until) {
    const t0 = performance.now();
    await fetch(`${url}${BARE_PATH}`).then((r) => r.arrayBuffer()).catch(() => undefined);
    if (performance.now() - t0 < 50) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const cells = (p: Phase): string[] => [
  fmt.ms(p.p50), fmt.ms(p.p99), fmt.ms(p.max), fmt.int(p.throughput), fmt.int(p.errors), fmt.int(p.unanswered), fmt.ms(p.cpuMs), fmt.num(p.serverCores, 2), fmt.num(p.clientCores, 2),
  `${fmt.num(p.loop.delayP99, 1)} / ${fmt.num(p.loop.delayMax, 1)}`, `${fmt.num(p.loop.gcMs, 0)} / ${fmt.num(p.loop.gcMaxMs, 1)}`,
  fmt.num(p.sendLagP99, 1), fmt.int(p.connections),
];

export const serverCollateral: Benchmark = {
  name: 'server-collateral',
  title: 'Collateral status under gateway load, beside a bare route',
  target: `collateral p99 ≤ ${TARGET_P99_MS} ms at ${fmt.int(RATE)} req/s while the gateway ingests ${fmt.int(INGEST)} readings/s, on 2 cores`,
  async run(ctx) {
    const phaseMs = ctx.mode === 'quick' ? 2_000 : 4_000;
    const sut = await startBenchSystem({ loadDevices: LOAD_DEVICES });
    const http = startLoadClient();
    const devices = startLoadClient();
    const rounds: Round[] = [];
    try {
      const load = async (path: string): Promise<Phase> => {
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const watch = watchMainThread();
        const result = await http.ask<HttpLoadResult>({ kind: 'http', url: `${sut.url}${path}`, token: sut.bankToken, rate: RATE, durationMs: phaseMs });
        const measured = phase(result, process.cpuUsage(cpu), performance.now() - t0, watch());
        await settle(sut.url);
        return measured;
      };
      const collateralPath = `/v1/pledges/${sut.pledgeId}/collateral`;
      await http.ask({ kind: 'http', url: `${sut.url}${collateralPath}`, token: sut.bankToken, rate: 500, durationMs: 1_000 }); // warm-up
      for (let r = 0; r < ctx.rounds; r++) {
        const quiet = await load(collateralPath);
        await devices.ask({ kind: 'mqtt-prepare', port: sut.system.mqttPort, devices: sut.loadDevices, rate: INGEST, durationMs: 2 * phaseMs + 2 * GRACE_MS + 3 * SETTLE_MS + 1_000 + INGEST_ALONE_MS });
        const ingest = devices.ask<MqttLoadResult>({ kind: 'mqtt', rate: INGEST });
        await new Promise((res) => setTimeout(res, 1_000)); // readings flowing
        await settle(sut.url); // past the devices' start-up burst (connects, first backlog), so both routes meet steady ingest
        const ingestCores = await coresOver(INGEST_ALONE_MS);
        // Alternate which route goes first under ingest, so neither always follows the other.
        const bareFirst = r % 2 === 0;
        const first = await load(bareFirst ? BARE_PATH : collateralPath);
        const second = await load(bareFirst ? collateralPath : BARE_PATH);
        const [bare, collateral] = bareFirst ? [first, second] : [second, first];
        const m = await ingest;
        rounds.push({ quiet, bare, collateral, ingestRate: (1000 * m.acked) / m.wallMs, ingestLost: m.published - m.acked, ingestCores, devicesCores: m.cpuMs / m.wallMs });
        ctx.log(`server-collateral: round ${r + 1}/${ctx.rounds}: collateral p99 ${fmt.ms(collateral.p99)} ms (bare ${fmt.ms(bare.p99)} ms), ingest ${fmt.int(rounds.at(-1)!.ingestRate)}/s`);
      }
    } finally {
      await http.close();
      await devices.close();
      await sut.close();
    }
    const p99 = median(rounds.map((r) => r.collateral.p99));
    const bareP99 = median(rounds.map((r) => r.bare.p99));
    const quietP99 = median(rounds.map((r) => r.quiet.p99));
    const ingest = median(rounds.map((r) => r.ingestRate));
    const ingestCores = median(rounds.map((r) => r.ingestCores));
    const devicesCores = median(rounds.map((r) => r.devicesCores));
    const bareServer = median(rounds.map((r) => r.bare.serverCores));
    const bareClient = median(rounds.map((r) => r.bare.clientCores));
    const quietServer = median(rounds.map((r) => r.quiet.serverCores));
    const all = rounds.flatMap((r) => [r.quiet, r.bare, r.collateral]);
    const unanswered = all.reduce((n, p) => n + p.unanswered, 0);
    const sent = (all.length * RATE * phaseMs) / 1000;
    const head = ['round', 'route', 'gateway ingest', 'p50 ms', 'p99 ms', 'max ms', 'answered req/s', 'errors', 'of which unanswered at cut-off', 'server CPU ms per answered request', 'server process cores', 'HTTP load generator cores', 'server event-loop delay p99 / max ms', 'server GC pauses total / longest ms', 'load generator send lag p99 ms', 'connections opened'];
    const table: Table = {
      title: `Open-loop GETs at ${fmt.int(RATE)} req/s offered, ${fmt.s(phaseMs / 1000)} s per phase (latency from each request's scheduled send time; requests unanswered ${GRACE_MS / 1000} s after the last scheduled send count as errors with their wait so far)`,
      head,
      rows: rounds.flatMap((r, i) => [
        [String(i + 1), 'collateral', 'none', ...cells(r.quiet)],
        [String(i + 1), `bare \`${BARE_PATH}\``, `${fmt.int(r.ingestRate)} acked/s`, ...cells(r.bare)],
        [String(i + 1), 'collateral', `${fmt.int(r.ingestRate)} acked/s`, ...cells(r.collateral)],
      ]),
    };
    const notes = [
      `Medians over ${rounds.length} rounds: collateral p99 ${fmt.ms(p99)} ms under ingest, ${fmt.ms(quietP99)} ms without; the bare route under the same ingest `
        + `p99 ${fmt.ms(bareP99)} ms, so the collateral handler itself accounts for about ${fmt.ms(Math.max(0, p99 - bareP99))} ms of the p99 `
        + `(ratio ${fmt.ratio(p99 / bareP99)} in the same run).`,
      `Gateway ingest achieved: median ${fmt.int(ingest)} PUBACKed readings/s of ${fmt.int(INGEST)} offered`
        + `${ingest < INGEST * 0.95 ? ' — below the offered rate: the gateway (signature checks, SQLite, anchoring) could not keep up on this machine while serving HTTP, so the load the route ran under was lighter than specified' : ''}; `
        + `readings without a PUBACK in the last round: ${fmt.int(rounds.at(-1)?.ingestLost ?? 0)}.`,
      ...(unanswered === 0 ? [] : [`The server did not keep up with the offered load: ${fmt.int(unanswered)} of ${fmt.int(sent)} requests were still unanswered `
        + `${GRACE_MS / 1000} s after their phase's last scheduled send, so the percentiles above are lower bounds (queueing, not handler time) and the `
        + 'bare-vs-collateral difference says nothing about the handler. Check the load average in the run header: on a shared, overloaded machine '
        + 'the server gets a fraction of a core.']),
      `CPU per request (the server's process; without ingest, so the collateral route alone): median ${fmt.ms(median(rounds.map((r) => r.quiet.cpuMs)))} ms `
        + `per answered collateral request (bare route under ingest, less the ingest's share: see below). The handler reads the log size and `
        + "each of the lot's 4 devices' latest reading per request; the pledge, its visibility to the caller, receipt, open alerts, devices (found "
        + 'by the state index on `lot`) and last anchor are kept per (caller, pledge) until the log grows. What remains per request is mostly '
        + 'what every route pays: express 5 itself (a bare express app cost about 110–150 µs of CPU more per request than a bare `node:http` '
        + 'server on a 2-core Intel Xeon VM, 2026-11-24 probe, alternating), the token hash (its token and party lookups, two SQLite reads that the '
        + 'telemetry writer\'s commits make slow by dropping the main connection\'s page cache, are skipped for `LH_TOKEN_CACHE_MS`, 1 s by '
        + 'default, after a token authenticated: in a probe alternating 0 and 1 s, 2026-11-24, the main thread went from 86–90 % to 79–85 % '
        + 'busy and the collateral p99 from a median of about 89 ms to about 16 ms over 8 phases each), the request log and metrics, and one '
        + '`writev` per response (loopback TCP system calls are expensive on these VMs: on the AMD EPYC VM of 2026-11-24\'s evening a profile of the bare '
        + 'route at 2,000 req/s put a quarter of the main thread\'s busy time in that one system call).',
      `Where the 2 cores go (medians over rounds): the server's process used ${fmt.num(ingestCores, 2)} cores under the ingest alone `
        + `(${fmt.int((ingestCores * 1e6) / ingest)} µs per reading: aedes, strict checks, the verification worker, the telemetry writer thread, `
        + `anchoring every 200 ms, the covenant monitor), the device load generator ${fmt.num(devicesCores, 2)}; with the bare route loaded as well, `
        + `the server ${fmt.num(bareServer, 2)} and the HTTP load generator ${fmt.num(bareClient, 2)}. The server alone needs about `
        + `${fmt.num(ingestCores + quietServer, 2)} cores for both loads (the ingest alone plus the collateral route without ingest, ${fmt.num(quietServer, 2)}); `
        + `it got what the generators and the kernel's loopback networking (charged to no process) left. ${ingestCores + quietServer + devicesCores + bareClient > 1.6
          ? 'With the generators that is close to the 2 cores, so a short stall of the event loop (a garbage collection, a burst of MQTT packets, or the thread waiting for a core) leaves a queue behind it that the next few hundred requests wait on: the p99 varies from round to round by far more than the handler costs. '
          : ''}`
        + 'The event loop serves HTTP and WebSocket (and MQTT when the gateway shares it); the node runs its signature-verification and telemetry-writer threads at nice '
        + '`LH_WORKER_NICE` (10 by default, Linux) so that the loop gets a core first when all are busy. In alternating default runs on the '
        + 'Intel Xeon VM (2026-11-24, 5 rounds each) the collateral p99 medians were 41.2 and 9.4 ms with nice 10, 71.8 and 51.4 ms with the worker '
        + 'threads at the node\'s priority (`LH_WORKER_NICE=0`); the ingest kept its 4,990 readings/s either way. The columns on the right '
        + 'show the main thread over each phase: how late a 1 ms timer ran (event-loop delay, p99 and max), its garbage-collection pauses, '
        + 'how late the load generator itself sent its requests (its own lateness, which the server did not cause), and the connections it had to open. '
        + 'The node runs the gateway (aedes, the intake, the telemetry store, anchoring) in its own worker thread (`LH_GATEWAY_THREAD`, on '
        + 'by default; `LH_BENCH_GATEWAY_THREAD=false` here puts it on the API\'s event loop for A/B): V8 profiles of a collateral phase '
        + 'under ingest (2026-11-25, Intel Xeon VM) had the API\'s loop about 78 % busy with the gateway on it (HTTP 38 %, ingest 27 %, '
        + 'GC 6 %) and about 51 % with the gateway in its thread. In alternating runs (same VM and day, 5 rounds each, 2 runs per setting) '
        + 'the collateral p99 medians were 16.1 and 12.9 ms in the thread, 16.8 and 30.5 ms on the API\'s loop, with 8 of 10 rounds within '
        + '20 ms against 3 of 10 (a single quick run on 2026-11-24 had shown no gain). '
        + 'The telemetry store\'s group commit delay (`LH_GROUP_COMMIT_MS`, 5 ms; `LH_GROUP_COMMIT_MS=0` here for A/B) lowers the ingest\'s share: '
        + 'in alternating runs on the AMD EPYC VM (2026-11-24, 3 rounds each, 2 runs per setting) the process used 1.03 and 1.17 cores under the '
        + 'ingest alone without it and 0.88 and 0.92 with it (about 740 store writes/s against 160); the collateral p99 medians were 247 and 136 ms '
        + 'without it, 154 and 36 ms with it — the machine stayed saturated either way.',
      'The load generators are two child processes (one for HTTP, one for the MQTT devices), so neither shares the server\'s event loop; '
        + 'they do share its 2 cores, as does everything else on this machine.',
    ];
    return {
      what: '`GET /v1/pledges/{id}/collateral` — the bank\'s view of its collateral (receipt, covenants and status, latest reading per device, '
        + 'last anchor, open alerts, quantity coverage) — answered by a whole node started with `startSystem` (embedded aedes, gateway, '
        + 'SQLite WAL, HTTP with authentication, request logging and metrics), while real MQTT clients publish signed load-cell readings; '
        + `beside it, a bare express route (\`${BARE_PATH}\`, \`res.json({ok:true})\`) mounted on the same server behind the same middleware.`,
      how: `An HTTP child process sends GETs with the bank's bearer token on a fixed schedule of ${fmt.int(RATE)} req/s (open loop) over `
        + 'keep-alive sockets, one request in flight per connection, up to 256 connections (a lean HTTP/1.1 client in the spirit of wrk2: '
        + 'request bytes built once, answers read only as far as status and framing, bench/http-wire-reader.ts; node:http\'s client took about '
        + '2.2× its CPU per request here); each latency runs from the request\'s scheduled time to the end of its answer, so '
        + 'queueing anywhere (client, socket pool, server) is counted rather than hidden. A second child process connects '
        + `${LOAD_DEVICES} registered devices (the lean MQTT client of bench/mqtt-wire-client.ts; the gateway admits 50 readings/s per device) and publishes ${fmt.int(INGEST)} readings/s with QoS 1, `
        + 'each signed with the device key before the clock starts. The pledged lot has 4 devices of its own, a quantity-floor covenant, and the '
        + `load devices sit on another lot. Each round: collateral without ingest, then, with the readings flowing, the bare route and the collateral route (after the readings have flowed for 1 s and a bare request answers within 50 ms again, so that neither meets the devices' start-up burst; bare first in odd rounds, collateral first in even ones), `
        + `${fmt.s(phaseMs / 1000)} s each; after each phase the server is given up to ${SETTLE_MS / 1000} s to work off any backlog (until a bare request answers within 50 ms). One warm-up of 1 s at 500 req/s first; the verdict is the median over rounds of the collateral p99 under ingest.`,
      tables: [table],
      measured: `median p99 ${fmt.ms(p99)} ms at ${fmt.int(RATE)} req/s under ${fmt.int(ingest)} readings/s (bare route ${fmt.ms(bareP99)} ms)`,
      verdict: p99 <= TARGET_P99_MS ? 'PASS' : 'MISS',
      notes,
    };
  },
};

// server-fanout: one alert fanned out over WebSocket /v1/stream to 1,000 and then 5,000 subscribed clients.
import { signTx } from '../ledger/tx/sign-tx.js';
import { GATEWAY_ID } from '../server/system.js';
import { fmt, type Benchmark } from './benchmark.js';
import { epochMs } from './server-load-client.js';
import { startBenchSystem, startLoadClient, type BenchSystem } from './server-system.js';
import { median, percentile } from './stats.js';

const SIZES = [1_000, 5_000] as const;
const TARGET_P95_MS = 200;

interface Round {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly received: number;
}

let alerts = 0;

/** Commits an alert on the pledged receipt, signed by the gateway; resolves with its index and commit time. */
async function raiseAlert(sut: BenchSystem): Promise<{ index: number; committedAt: number }> {
  const tx = {
    v: 1 as const, type: 'alert.raise', nonce: `bench-alert-${process.pid}-${++alerts}`, ts: new Date().toISOString(),
    body: {
      gateway: GATEWAY_ID, receipt: sut.receiptId, pledge: sut.pledgeId, severity: 'info', covenant: 'other',
      message: 'benchmark alert', observedAt: new Date().toISOString(), devices: [],
    },
  };
  let committedAt = 0;
  const off = sut.system.pipeline.onCommit(() => {
    committedAt = epochMs();
  });
  try {
    const { index } = await sut.system.pipeline.submit({ tx, sigs: [signTx(tx, GATEWAY_ID, sut.system.keys.gateway.seed)] });
    return { index, committedAt };
  } finally {
    off();
  }
}

export const serverFanout: Benchmark = {
  name: 'server-fanout',
  title: 'WebSocket fan-out of one alert to 1,000 and 5,000 subscribers',
  target: `5,000 subscribers: p95 delivery ≤ ${TARGET_P95_MS} ms from commit, on 2 cores`,
  async run(ctx) {
    const sut = await startBenchSystem({ loadDevices: 0 });
    const clients = startLoadClient();
    const bySize = new Map<number, Round[]>();
    try {
      let open = 0;
      for (const size of SIZES) {
        open = await clients.ask<number>({ kind: 'ws-open', url: sut.url, token: sut.bankToken, count: size - open });
        ctx.log(`server-fanout: ${open} clients subscribed`);
        const rounds: Round[] = [];
        for (let r = 0; r < ctx.rounds + 1; r++) {
          const { index, committedAt } = await raiseAlert(sut);
          const arrivals = await clients.ask<number[]>({ kind: 'ws-collect', index, timeoutMs: 30_000 });
          if (r === 0) continue; // warm-up
          const delays = arrivals.map((t) => Math.max(0, t - committedAt));
          rounds.push({ p50: percentile(delays, 50), p95: percentile(delays, 95), max: Math.max(...delays), received: arrivals.length });
          ctx.log(`server-fanout: ${size} clients, round ${r}/${ctx.rounds}: p95 ${fmt.ms(rounds.at(-1)!.p95)} ms`);
        }
        bySize.set(size, rounds);
      }
    } finally {
      await clients.close();
      await sut.close();
    }
    const p95Of = (size: number): number => median(bySize.get(size)!.map((r) => r.p95));
    const big = p95Of(5_000);
    return {
      what: 'Delivery latency of one `alert.raise` over WebSocket `/v1/stream` to every subscribed client: from the moment the commit '
        + 'pipeline reports the batch committed (its onCommit listener) to each client\'s receipt of the `event` message.',
      how: 'A whole node (`startSystem`, SQLite) with a bank holding a pledge; a child process opens the clients with the bank\'s token '
        + '(one connection each, `ws`, no compression), each subscribed to `alerts`. An alert on the pledged receipt, signed by the gateway, '
        + 'is submitted to the pipeline; the child timestamps each arrival with `performance.timeOrigin + performance.now()`, the parent the '
        + `commit, on the same machine clock. Per size: one warm-up alert, then ${ctx.rounds} alerts one after the other (each waits until `
        + 'every client has it); p95 over clients per alert, median over alerts.',
      tables: [{
        title: 'Delivery latency from commit (ms), per alert',
        head: ['subscribers', 'alert', 'received', 'p50 ms', 'p95 ms', 'max ms'],
        rows: SIZES.flatMap((size) => bySize.get(size)!.map((r, i) => [fmt.int(size), String(i + 1), fmt.int(r.received), fmt.ms(r.p50), fmt.ms(r.p95), fmt.ms(r.max)])),
      }],
      measured: `median p95 ${fmt.ms(big)} ms at 5,000 subscribers (${fmt.ms(p95Of(1_000))} ms at 1,000; ${fmt.ratio(big / p95Of(1_000))})`,
      verdict: big <= TARGET_P95_MS ? 'PASS' : 'MISS',
      notes: [
        'The server serialises the event and writes it to each session in turn on one event loop; the clients\' process competes for the same '
          + '2 cores, so the tail includes the clients\' own time to read 5,000 sockets.',
        'Per committed batch, each event is serialised once and framed once (RFC 6455 text frame, unmasked as server frames are), and the '
          + 'same bytes are written to every subscribed socket; the access decision (`canSeeEvent`) is made once per (role, party) and event '
          + 'and shared by the sessions of that party. A CPU profile of the server over 3 alerts to 5,000 subscribers before these changes: '
          + '272 ms of server CPU per alert, `ws` framing per client with a corked two-buffer writev, 19 % garbage collection; after: '
          + '162 ms per alert (both under the profiler), most of it the one `write` system call per socket (41 % of samples), 5 % GC.',
      ],
    };
  },
};

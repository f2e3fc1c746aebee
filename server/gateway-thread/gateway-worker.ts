// The gateway thread's body: a whole telemetry gateway (broker, verification, storage, anchoring, covenant
// monitor) on its own event loop and its own database connections, so ingest never delays the API's answers.
// The ledger's single sequencer stays on the main thread: anchors and alerts are submitted to it by call, and
// every commit comes back as a note (the device directory and covenant monitor follow them).
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { systemClock } from '../../ledger/clock.js';
import { VerifyPool } from '../../ledger/crypto/verify-pool.js';
import type { Committed, CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import { createGateway, type Gateway, type GatewayEvent } from '../../iot-gateway/index.js';
import { GATEWAY_ID, gatewayOptions } from '../gateway-options.js';
import { loadNodeKeys } from '../node-keys.js';
import { openStores, type NodeStores } from '../node-stores.js';
import { Rpc } from '../../ledger/threads/rpc.js';
import { STATS_PUSH_MS, type EventsNote, type GatewayThreadData, type StartAnswer } from './gateway-wire.js';

const EVENTS: readonly GatewayEvent[] = ['reading', 'rejected', 'anchored', 'alert'];

/** Commits noted before the gateway follows them are kept and handed over when it does. */
class CommitRelay {
  #early: CommittedBatch[] | undefined = [];
  readonly #listeners = new Set<(b: CommittedBatch) => void>();

  push(batch: CommittedBatch): void {
    if (this.#early !== undefined) this.#early.push(batch);
    for (const l of this.#listeners) l(batch);
  }

  onCommit(listener: (b: CommittedBatch) => void): () => void {
    this.#listeners.add(listener);
    const early = this.#early ?? [];
    this.#early = undefined; // the directory re-reads the devices a commit names, so seeing one twice is harmless
    for (const b of early) listener(b);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Events leave in batches, once per event-loop turn, each with the counters as they are after it. Answers to
 * `flush` and `close` send what is pending first, so the main thread has every event before it has the answer.
 */
class EventForwarder {
  #list: EventsNote['list'] = [];
  #scheduled = false;
  #sent = '';
  readonly #offs: (() => void)[];
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly gw: Gateway, private readonly rpc: Rpc) {
    this.#offs = EVENTS.map((event) => gw.on(event, (payload) => {
      this.#list.push([event, payload] as EventsNote['list'][number]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.sendNow());
      }
    }));
    // Counters that move without an event (CONNACK refusals, oversize packets) are pushed when they change.
    this.#timer = setInterval(() => {
      if (JSON.stringify(this.gw.stats()) !== this.#sent) this.sendNow();
    }, STATS_PUSH_MS);
    this.#timer.unref();
  }

  sendNow(): void {
    this.#scheduled = false;
    const stats = this.gw.stats();
    this.#sent = JSON.stringify(stats);
    this.rpc.note('events', { list: this.#list, stats } satisfies EventsNote);
    this.#list = [];
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const off of this.#offs) off();
    this.sendNow();
  }
}

async function start(data: GatewayThreadData, rpc: Rpc, relay: CommitRelay) {
  const { config } = data;
  const logger = pino({ level: config.logLevel }).child({ component: 'gateway', thread: 'gateway' });
  const keys = loadNodeKeys(config.dataDir, config.origin);
  const stores: NodeStores = await openStores(config);
  const verifyPool = new VerifyPool({ nice: config.workerNice });
  try {
    const gateway = await createGateway({
      db: stores.db, ...(stores.telemetry === undefined ? {} : { telemetry: stores.telemetry }), verifyPool, store: stores.store,
      pipeline: { submit: (signed) => rpc.call<Committed>('submit', signed), onCommit: (l) => relay.onCommit(l) },
      gateway: { id: GATEWAY_ID, seed: keys.gateway.seed }, clock: systemClock, logger, options: gatewayOptions(config),
    });
    return { gateway, stores, verifyPool };
  } catch (e) {
    await verifyPool.close();
    await closeStores(stores);
    throw e;
  }
}

async function closeStores(s: NodeStores): Promise<void> {
  await s.telemetry?.close();
  await s.store.close();
  if (s.db.open) s.db.close();
}

export function serve(): void {
  const port = parentPort;
  if (port === null) throw new Error('gateway-worker: not in a worker thread');
  const data = workerData as GatewayThreadData;
  const rpc = new Rpc(port);
  const relay = new CommitRelay();
  let running: (Awaited<ReturnType<typeof start>> & { events: EventForwarder }) | undefined;
  rpc.handle<CommittedBatch>('commit', (batch) => relay.push(batch));
  rpc.handle('start', async (): Promise<StartAnswer> => {
    const started = await start(data, rpc, relay);
    running = { ...started, events: new EventForwarder(started.gateway, rpc) };
    return { mqttPort: started.gateway.mqttPort, stats: started.gateway.stats() };
  });
  const gw = () => {
    if (running === undefined) throw new Error('the gateway thread has not started');
    return running;
  };
  rpc.handle<number>('proof', (id) => gw().gateway.proof(id));
  rpc.handle('flush', async () => {
    const { gateway, events } = gw();
    await gateway.flush();
    events.sendNow();
    return gateway.stats();
  });
  rpc.handle<{ anchor?: boolean }>('close', async (opts) => {
    if (running === undefined) return;
    await running.gateway.close(opts);
    running.events.stop();
    await running.verifyPool.close();
    await closeStores(running.stores);
    running = undefined;
  });
}

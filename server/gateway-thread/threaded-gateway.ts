// The gateway in its own thread, seen from the main thread as the same `Gateway` the in-thread one is: events,
// counters, proofs, flush and close go over the thread boundary (gateway-wire.ts). On two cores this keeps MQTT
// parsing, signature checks and the telemetry store's fsyncs off the event loop that answers HTTP and WebSocket.
// The API keeps reading telemetry through its own store connection (`telemetry`): WAL readers see every
// committed write, and a reading is acknowledged only once its write is committed.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CommitPipeline, CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import { GatewayEvents } from '../../iot-gateway/gateway-events.js';
import { PortInUseError, type Gateway, type GatewayStats, type ProofOutcome, type TelemetryStore } from '../../iot-gateway/index.js';
import type { Config } from '../config.js';
import { RemoteError, Rpc } from '../../ledger/threads/rpc.js';
import type { EventsNote, GatewayThreadData, StartAnswer } from './gateway-wire.js';

const WORKER_ENTRY = new URL('./gateway-worker.mjs', import.meta.url);

export interface GatewayThreadDeps {
  readonly config: Config;
  /** The one sequencer: anchors and alerts from the gateway thread are submitted here. */
  readonly pipeline: Pick<CommitPipeline, 'submit'>;
  /** Every commit of the log (this node's pipeline, or the shared log followed): relayed to the gateway thread. */
  readonly commits: Pick<CommitPipeline, 'onCommit'>;
  /** This thread's connection to the readings, for the API's reads. */
  readonly telemetry: TelemetryStore;
  readonly logger: Logger;
  /** The thread died without being closed (the node cannot take telemetry any more). */
  readonly onCrash: (e: Error) => void;
}

/** A start failure as the in-thread gateway would have thrown it (the CLI explains a taken port). */
function startError(e: unknown): unknown {
  if (e instanceof RemoteError && e.name === 'PortInUseError' && e.wire.host !== undefined && e.wire.port !== undefined) {
    return new PortInUseError(e.wire.host, e.wire.port);
  }
  return e;
}

export async function startGatewayThread(deps: GatewayThreadDeps): Promise<Gateway> {
  const { logger } = deps;
  const worker = new Worker(WORKER_ENTRY, { workerData: { config: deps.config } satisfies GatewayThreadData, execArgv: [] });
  const rpc = new Rpc(worker);
  const events = new GatewayEvents();
  let stats: GatewayStats | undefined;
  let closing: Promise<void> | undefined;

  rpc.handle('submit', (signed: unknown) => deps.pipeline.submit(signed));
  rpc.handle<EventsNote>('events', (note) => {
    stats = note.stats;
    for (const [event, payload] of note.list) events.emit(event, payload as never);
  });
  const stopRelay = deps.commits.onCommit((batch: CommittedBatch) => {
    try {
      rpc.note('commit', batch);
    } catch (e) {
      logger.error({ err: e, size: batch.checkpoint.size }, 'commit not relayed to the gateway thread');
    }
  });
  const died = (e: Error): void => {
    rpc.fail(e);
    if (closing !== undefined) return;
    stopRelay();
    logger.fatal({ err: e }, 'the gateway thread stopped');
    deps.onCrash(e);
  };
  worker.on('error', died);
  worker.on('exit', (code) => died(new Error(`the gateway thread exited with code ${code}`)));

  let started: StartAnswer;
  try {
    started = await rpc.call<StartAnswer>('start');
  } catch (e) {
    closing = Promise.resolve();
    stopRelay();
    await worker.terminate();
    throw startError(e);
  }
  stats = started.stats;
  return {
    mqttPort: started.mqttPort,
    telemetry: deps.telemetry,
    on: (event, listener) => events.on(event, listener),
    stats: () => structuredClone(stats!),
    proof: (id) => rpc.call<ProofOutcome>('proof', id),
    async flush() {
      stats = await rpc.call<GatewayStats>('flush');
    },
    close(opts = {}) {
      closing ??= (async () => {
        try {
          await rpc.call('close', opts);
        } finally {
          stopRelay();
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}

// What the main thread and the gateway thread say to each other (server/gateway-thread/rpc.ts carries it):
//   main → gateway   call  start → StartAnswer      call  proof(readingId) → ProofOutcome
//                    call  flush → GatewayStats      call  close({ anchor? })
//                    note  commit(CommittedBatch)    every commit of the log, in order
//   gateway → main   call  submit(SignedTx) → Committed   (anchors and alerts, to the one sequencer)
//                    note  events(EventsNote)
import type { GatewayEventMap, GatewayStats } from '../../iot-gateway/index.js';
import type { Config } from '../config.js';

export interface GatewayThreadData {
  readonly config: Config;
}

export interface StartAnswer {
  readonly mqttPort: number;
  readonly stats: GatewayStats;
}

/** Gateway events in the order they happened, and the counters after the last of them. */
export interface EventsNote {
  readonly list: { [E in keyof GatewayEventMap]: readonly [E, GatewayEventMap[E]] }[keyof GatewayEventMap][];
  readonly stats: GatewayStats;
}

/** How often the gateway thread pushes counters that changed without an event. */
export const STATS_PUSH_MS = 250;

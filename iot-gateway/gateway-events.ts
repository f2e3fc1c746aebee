// What the gateway tells its host (WebSocket fan-out, logs, tests): a tiny typed event hub.
import type { Severity } from '../contracts/state.js';
import type { RejectionCode } from './formats/rejection.js';
import type { ReadingRecord } from './store/telemetry-store.js';

export interface GatewayEventMap {
  /** A reading was durably stored (and acknowledged). */
  reading: { readonly id: number; readonly record: ReadingRecord };
  /** A message was refused. */
  rejected: { readonly code: RejectionCode; readonly detail: string; readonly topic: string };
  /** A batch's anchor was committed to the ledger. */
  anchored: { readonly batchId: string; readonly index: number; readonly readings: number; readonly root: string };
  /** A covenant breach was committed as an alert.raise entry. */
  alert: {
    readonly index: number; readonly alertId: string; readonly pledge: string; readonly receipt: string;
    readonly covenant: string; readonly severity: Severity; readonly message: string; readonly devices: readonly string[];
  };
}

export type GatewayEvent = keyof GatewayEventMap;
type Listener<E extends GatewayEvent> = (event: GatewayEventMap[E]) => void;

export class GatewayEvents {
  readonly #listeners = new Map<GatewayEvent, Set<(event: never) => void>>();

  /** Subscribe; returns the unsubscribe function. */
  on<E extends GatewayEvent>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    const s = set;
    s.add(listener);
    return () => s.delete(listener);
  }

  emit<E extends GatewayEvent>(event: E, payload: GatewayEventMap[E]): void {
    for (const l of (this.#listeners.get(event) ?? []) as Set<Listener<E>>) {
      try {
        l(payload);
      } catch {
        // a listener's failure must not break intake; listeners log their own errors
      }
    }
  }
}

// Live telemetry for WebSocket subscribers. The gateway implements TelemetryFeed (it publishes every reading once it
// is durably stored); the stream only subscribes. `LocalTelemetryFeed` is the in-process implementation: the gateway
// running in the same process publishes into it.

/** A verified, stored reading as pushed to subscribers. */
export interface LiveReading {
  /** The gateway's id for the stored reading (unique per gateway). */
  readonly id: string | number;
  readonly device: string;
  /** The warehouse party that owns the device. */
  readonly warehouse: string;
  /** The lot reference the device watches, when known; otherwise the device's registered lot is used. */
  readonly lot?: string;
  readonly kind: string;
  /** Device time of the measurement, RFC 3339 UTC. */
  readonly ts: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export interface TelemetryFeed {
  /** Calls `listener` for every reading from now on; returns the unsubscribe function. */
  subscribe(listener: (reading: LiveReading) => void): () => void;
}

/** In-process feed: `publish` hands a reading to every current subscriber, synchronously, in order. */
export class LocalTelemetryFeed implements TelemetryFeed {
  readonly #listeners = new Set<(reading: LiveReading) => void>();

  subscribe(listener: (reading: LiveReading) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  publish(reading: LiveReading): void {
    for (const listener of this.#listeners) {
      try {
        listener(reading);
      } catch {
        // One subscriber's failure must not keep the reading from the others.
      }
    }
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}

// The MqttSource port: where telemetry comes from. Two adapters — the embedded aedes broker and a client of an
// external broker — pass one shared conformance suite (test/iot-gateway/broker/mqtt-source-conformance.ts).
// Both hand every message to `receive` and acknowledge it only when `receive` says so (after the durable store).
import type { IntakeOutcome } from '../intake/intake.js';

export type Receive = (topic: string, payload: Uint8Array) => Promise<IntakeOutcome>;

export interface MqttSource {
  /** The port devices connect to (embedded broker), or 0 when the gateway is a client of an external broker. */
  readonly port: number;
  /** Drop a device's connection (it was revoked); a no-op where the broker is not ours. */
  disconnect(deviceId: string): void;
  /** Stop taking messages; unacknowledged ones are redelivered to the next run (persistent sessions). */
  close(): Promise<void>;
}

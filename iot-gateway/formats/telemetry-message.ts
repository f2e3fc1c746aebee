// What devices send over MQTT (see README-formats.md for the prose version). Pure types and limits; no I/O.
//
// Every message is a JSON object signed by the device's Ed25519 key over
//   DOMAIN.reading ‖ RFC 8785(message without `sig`)        — one reading (sensor, camera segment or status)
//   DOMAIN.readingBatch ‖ RFC 8785(message without `sig`)   — a batch of readings under one signature
// so a reading signature can never be replayed as a batch, a transaction or a device token.

/** Sensor reading kinds and the single `values` shape each one carries. */
export const SENSOR_KINDS = ['load-cell', 'rfid', 'temperature', 'humidity', 'door', 'gps'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

export interface SensorValues {
  /** Gross weight on the load cell, kilograms. */
  readonly 'load-cell': { readonly kg: number };
  /** Tags counted in the read zone. */
  readonly rfid: { readonly count: number };
  /** Air temperature, degrees Celsius. */
  readonly temperature: { readonly c: number };
  /** Relative humidity, percent. */
  readonly humidity: { readonly pct: number };
  readonly door: { readonly state: 'open' | 'closed' };
  /** WGS 84 position, degrees. */
  readonly gps: { readonly lat: number; readonly lon: number };
}

/** Fields every reading carries. */
interface ReadingHead {
  /** Device id as registered by device.register. */
  readonly device: string;
  /** Per-device sequence number, strictly increasing by one per reading; never reused. */
  readonly seq: number;
  /** Device time of the measurement, RFC 3339 UTC. */
  readonly ts: string;
}

export type SensorReading = {
  [K in SensorKind]: ReadingHead & { readonly kind: K; readonly values: SensorValues[K] };
}[SensorKind];

/** One recorded camera clip: its hash anchors the video the warehouse keeps in its own storage. */
export interface Segment {
  /** Lowercase hex SHA-256 of the clip file as stored. */
  readonly sha256: string;
  readonly durationMs: number;
  /** Recording start time, RFC 3339 UTC. */
  readonly start: string;
  /** Where the warehouse keeps the clip (its own storage); never fetched by the gateway. */
  readonly uri?: string;
}

export interface CameraReading extends ReadingHead {
  readonly kind: 'camera';
  readonly segment: Segment;
}

/** Heartbeat / health report. */
export interface DeviceStatus {
  readonly state: 'online' | 'degraded' | 'offline';
  readonly uptimeS?: number;
  readonly batteryPct?: number;
  readonly firmware?: string;
  readonly rssiDbm?: number;
}

export interface StatusReading extends ReadingHead {
  readonly kind: 'status';
  readonly status: DeviceStatus;
}

/** The unit the gateway stores, sequences, anchors and proves. */
export type Reading = SensorReading | CameraReading | StatusReading;
export type ReadingKind = Reading['kind'];

/** A reading as published on its own: the reading plus the device's signature (base64, 64 bytes). */
export type SignedReading = Reading & { readonly sig: string };

/** A reading inside a batch: the batch names the device once. */
export type BatchItem = Reading extends infer R ? (R extends Reading ? Omit<R, 'device'> : never) : never;

/** Many readings of one device under one signature (DOMAIN.readingBatch). */
export interface ReadingBatch {
  readonly device: string;
  readonly kind: 'batch';
  readonly readings: readonly BatchItem[];
  readonly sig: string;
}

export type TelemetryMessage = SignedReading | ReadingBatch;

/** The MQTT topic channel a message arrived on: `lh/v1/{warehouse}/{device}/{channel}`. */
export const CHANNELS = ['telemetry', 'camera', 'status'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Which reading kinds each channel carries. */
export function channelOf(kind: ReadingKind): Channel {
  if (kind === 'camera') return 'camera';
  if (kind === 'status') return 'status';
  return 'telemetry';
}

export const LIMITS = {
  /** Largest MQTT payload accepted (bytes); the broker drops a connection that announces a larger packet. */
  maxPayloadBytes: 64 * 1024,
  /** Most readings in one batch message. */
  maxBatchReadings: 500,
  /** Deepest JSON nesting accepted (strict parser). */
  maxJsonDepth: 8,
  maxUriLength: 2048,
  maxFirmwareLength: 64,
  /** Largest sequence number: 2^53 − 1, exact in every JSON implementation we care about. */
  maxSeq: Number.MAX_SAFE_INTEGER,
} as const;

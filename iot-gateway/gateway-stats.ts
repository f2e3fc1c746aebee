// The gateway's counters, one object so `stats()` and metrics read the same numbers.
import type { RejectionCode } from './formats/rejection.js';

export interface GatewayStats {
  /** Telemetry messages taken in (before any check). */
  received: number;
  /** Readings durably stored (then acknowledged). */
  stored: number;
  /** Store transactions (group commits: one per write, however many messages it carried). */
  storeWrites: number;
  /** Readings already stored: acknowledged and dropped. */
  duplicates: number;
  /** Messages refused, by code (see formats/rejection.ts). */
  rejected: Partial<Record<RejectionCode, number>>;
  /** Sequence gaps recorded. */
  gaps: number;
  batchesSealed: number;
  batchesAnchored: number;
  readingsAnchored: number;
  anchorFailures: number;
  alertsRaised: number;
  alertFailures: number;
  /** CONNACK refusals, by return code. */
  connectRefused: Partial<Record<'2' | '4' | '5', number>>;
  /** Connections closed for a packet above the size limit. */
  oversizePackets: number;
  /** Publishes outside the device's own topics (connection closed). */
  aclDenied: number;
  /** Subscriptions refused (SUBACK 0x80). */
  subscribeDenied: number;
  /** Readings waiting for the durable store right now. */
  queueDepth: number;
}

export function newStats(): GatewayStats {
  return {
    received: 0, stored: 0, storeWrites: 0, duplicates: 0, rejected: {}, gaps: 0, batchesSealed: 0, batchesAnchored: 0, readingsAnchored: 0,
    anchorFailures: 0, alertsRaised: 0, alertFailures: 0, connectRefused: {}, oversizePackets: 0, aclDenied: 0, subscribeDenied: 0, queueDepth: 0,
  };
}

export function countRejection(stats: GatewayStats, code: RejectionCode): void {
  stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
}

export function snapshot(stats: GatewayStats): GatewayStats {
  return structuredClone(stats);
}

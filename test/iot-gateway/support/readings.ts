// Reading builders for gateway tests: signed with reproducible test keys.
import type { BatchItem, Reading, SignedReading } from '../../../iot-gateway/formats/telemetry-message.js';
import { signBatch, signReading } from '../../../iot-gateway/formats/telemetry-signing.js';
import type { ReadingRecord } from '../../../iot-gateway/store/telemetry-store.js';
import type { DeviceInfo } from '../../../iot-gateway/verify/device-info.js';
import { testKey } from '../../support/ledger-harness.js';

export const T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
export const iso = (ms: number): string => new Date(ms).toISOString();

export function weight(device: string, seq: number, kg: number, ms = T0): Reading {
  return { device, seq, ts: iso(ms), kind: 'load-cell', values: { kg } };
}

export function signed(reading: Reading): SignedReading {
  return signReading(reading, testKey(reading.device).seed);
}

export function batchOf(device: string, items: BatchItem[]) {
  return signBatch(device, items, testKey(device).seed);
}

export function device(id: string, over: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    id, warehouse: 'wh-a', site: 'site-1', kinds: ['load-cell', 'rfid', 'temperature', 'humidity', 'door', 'gps', 'camera'],
    publicKey: testKey(id).publicKey, status: 'active', ...over,
  };
}

export function record(dev: string, seq: number, over: Partial<Record<string, unknown>> = {}): ReadingRecord {
  return { ...signed(weight(dev, seq, 100 + seq, T0 + seq * 1000)), receivedAt: iso(T0 + seq * 1000 + 5), ...over } as ReadingRecord;
}

export const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

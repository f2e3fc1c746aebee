// Every reading the gateway has durably stored goes to the live telemetry feed (WebSocket subscribers), tagged with
// the device's warehouse and lot from the ledger so the stream can authorise it.
import type { Device } from '../contracts/state.js';
import type { Gateway } from '../iot-gateway/index.js';
import type { LedgerStore } from '../ledger/store/ledger-store.js';
import type { LocalTelemetryFeed } from './stream/telemetry-feed.js';

export function bridgeTelemetry(gateway: Gateway, store: LedgerStore, feed: LocalTelemetryFeed): () => void {
  const devices = new Map<string, Device | null>();
  const deviceOf = async (id: string): Promise<Device | null> => {
    if (!devices.has(id)) {
      const found = (await store.getState([{ kind: 'device', id }])).get(`device:${id}`);
      devices.set(id, (found?.object as unknown as Device | undefined) ?? null);
    }
    return devices.get(id) ?? null;
  };
  return gateway.on('reading', ({ id, record }) => {
    void deviceOf(record.device).then((d) => {
      if (d === null) return;
      const r = record as unknown as Record<string, unknown>;
      const values = (r['values'] ?? (r['segment'] !== undefined ? { segment: r['segment'] } : { status: r['status'] })) as Record<string, unknown>;
      feed.publish({ id, device: record.device, warehouse: d.warehouse, ...(d.lot === undefined ? {} : { lot: d.lot }), kind: record.kind, ts: record.ts, values });
    });
  });
}

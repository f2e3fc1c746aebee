// What the gateway needs to know about a device, taken from the ledger's device state (contracts/state.ts).
import type { Device, DeviceKind } from '../../contracts/state.js';
import { fromBase64 } from '../../ledger/encoding/bytes.js';

export interface DeviceInfo {
  readonly id: string;
  readonly warehouse: string;
  readonly site: string;
  readonly lot?: string;
  readonly kinds: readonly DeviceKind[];
  /** The 32-byte Ed25519 key registered by device.register. */
  readonly publicKey: Uint8Array;
  readonly status: 'active' | 'revoked';
}

/** Lookup of devices by id; undefined for a device the ledger does not know. */
export type DeviceLookup = (id: string) => DeviceInfo | undefined;

export function deviceInfo(d: Device): DeviceInfo {
  return {
    id: d.id, warehouse: d.warehouse, site: d.site, ...(d.lot === undefined ? {} : { lot: d.lot }),
    kinds: d.kinds, publicKey: fromBase64(d.publicKey, 'device.publicKey'), status: d.status,
  };
}

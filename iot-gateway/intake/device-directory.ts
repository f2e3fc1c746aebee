// The devices the ledger knows, kept in memory for synchronous lookups at CONNECT and per message, and kept fresh
// from the pipeline's commit stream (device.registered / device.revoked events).
import type { Device } from '../../contracts/state.js';
import type { CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { deviceInfo, type DeviceInfo } from '../verify/device-info.js';

const PAGE = 1000;

export class DeviceDirectory {
  readonly #devices = new Map<string, DeviceInfo>();
  readonly #revokedListeners = new Set<(d: DeviceInfo) => void>();

  private constructor(private readonly store: LedgerStore) {}

  static async load(store: LedgerStore): Promise<DeviceDirectory> {
    const dir = new DeviceDirectory(store);
    for (let after: string | undefined, i = 0; i < 1_000_000; i++) {
      const page = await store.queryState({ kind: 'device', limit: PAGE, ...(after === undefined ? {} : { after }) });
      for (const r of page) dir.#put(r.object as Device);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.object.id;
    }
    return dir;
  }

  readonly lookup = (id: string): DeviceInfo | undefined => this.#devices.get(id);

  get size(): number {
    return this.#devices.size;
  }

  all(): IterableIterator<DeviceInfo> {
    return this.#devices.values();
  }

  /** Called when a device is revoked (the embedded broker disconnects it). */
  onRevoked(listener: (d: DeviceInfo) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
  }

  /**
   * After a lookup missed: read the device from the store, where its registration may already be committed while
   * the commit has not reached this directory yet (a gateway in its own thread hears of commits a moment later).
   * It only fills a gap: an entry `apply` made meanwhile is newer than this read, so a revocation is never undone.
   */
  async refresh(id: string): Promise<DeviceInfo | undefined> {
    const found = await this.store.getState([{ kind: 'device', id }]);
    for (const r of found.values()) if (!this.#devices.has(id)) this.#put(r.object as Device);
    return this.#devices.get(id);
  }

  /** Feed from pipeline.onCommit: reload the devices the batch's events name. */
  async apply(batch: CommittedBatch): Promise<void> {
    const ids = new Set<string>();
    for (const e of batch.events) if (e.event.type.startsWith('device.')) for (const id of e.event.refs.device ?? []) ids.add(id);
    if (ids.size === 0) return;
    const found = await this.store.getState([...ids].map((id) => ({ kind: 'device' as const, id })));
    for (const r of found.values()) this.#put(r.object as Device);
  }

  #put(d: Device): void {
    const before = this.#devices.get(d.id);
    const info = deviceInfo(d);
    this.#devices.set(d.id, info);
    if (info.status === 'revoked' && before?.status !== 'revoked') for (const l of this.#revokedListeners) l(info);
  }
}

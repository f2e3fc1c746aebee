// Who may see a live reading. A reading is about a device and, through it, the goods of one lot, so it is shown to:
// operator and regulator; whoever may read the device (its warehouse, the gateway); and the commercial parties of
// the lot's CURRENT collateral — the holder of a live (active or pledged) receipt of the lot, and the bank of that
// receipt's ACTIVE pledge. Stricter than the receipt rule on purpose: a bank that once held a lien may still read
// the receipt's history, but must not watch the goods in real time once they are another bank's collateral.
// Readings arrive far more often than state changes, so answers are cached until the next commit.
import type { Device, Pledge, Receipt } from '../../contracts/state.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { stateKey } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import type { Principal } from '../auth/authenticate.js';
import type { LiveReading } from './telemetry-feed.js';

const ALL_SEEING = new Set(['operator', 'regulator']);
const MAX_CACHE = 10_000;

export class ReadingAccess {
  readonly #cache = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: LedgerStore,
    private readonly access: AccessControl,
  ) {}

  /** Forget every answer: call after each commit (state may have changed). */
  invalidate(): void {
    this.#cache.clear();
  }

  canSee(principal: Principal, reading: LiveReading): Promise<boolean> {
    if (ALL_SEEING.has(principal.role)) return Promise.resolve(true);
    const key = `${principal.partyId}\n${reading.device}\n${reading.warehouse}\n${reading.lot ?? ''}`;
    let answer = this.#cache.get(key);
    if (answer === undefined) {
      if (this.#cache.size >= MAX_CACHE) this.#cache.clear();
      answer = this.#decide(principal, reading).catch(() => false);
      this.#cache.set(key, answer);
    }
    return answer;
  }

  async #decide(principal: Principal, reading: LiveReading): Promise<boolean> {
    const device = (await this.store.getState([{ kind: 'device', id: reading.device }])).get(stateKey('device', reading.device))
      ?.object as Device | undefined;
    if (device === undefined || device.warehouse !== reading.warehouse) return false;
    if (await this.access.canRead(principal, device)) return true;
    const lot = reading.lot ?? device.lot;
    if (lot === undefined) return false;
    const receipts = (await this.store.queryState({ kind: 'receipt', ref: lot, limit: 2000 }))
      .map((r) => r.object as Receipt)
      .filter((r) => r.lot === lot && r.warehouse === device.warehouse && (r.status === 'active' || r.status === 'pledged'));
    if (receipts.some((r) => r.holder === principal.partyId)) return true;
    const pledgeIds = receipts.flatMap((r) => (r.pledge === undefined ? [] : [r.pledge]));
    const pledges = await this.store.getState(pledgeIds.map((id) => ({ kind: 'pledge' as const, id })));
    return [...pledges.values()].some((p) => {
      const pledge = p.object as Pledge;
      return pledge.status === 'active' && pledge.bank === principal.partyId;
    });
  }
}

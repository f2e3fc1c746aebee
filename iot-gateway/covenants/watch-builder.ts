// Which pledges the monitor watches, and with which devices: read from the ledger's state projection. For every
// active pledge: its receipt, the receipt's lot (the floor must hold on top of the lot's other live receipts), the
// devices bound to that lot — or, when a device is bound to no lot, installed at the receipt's site — and the
// covenants that already have an open alert (raised once; recovery does not clear it, a resolution does).
import type { Lot, Pledge, Receipt } from '../../contracts/state.js';
import { lotKey } from '../../contracts/ids.js';
import { quantityUnits } from '../../contracts/quantity.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import type { DeviceInfo } from '../verify/device-info.js';
import type { Watch } from './evaluate.js';

export interface WatchEntry {
  readonly watch: Watch;
  /** Covenants of this pledge with an open alert on the ledger. */
  readonly open: ReadonlySet<string>;
  /** Alerts ever raised on the ledger for this pledge, by covenant (the next alert's nonce, monitor.ts). */
  readonly raised: Readonly<Record<string, number>>;
}

const PAGE = 500;

/** Every state object of `kind` (referring to `ref`, when given), page by page. */
async function allOf(store: LedgerStore, kind: 'pledge' | 'alert', ref?: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let after: string | undefined, i = 0; i < 100_000; i++) {
    const page = await store.queryState({ kind, limit: PAGE, ...(ref === undefined ? {} : { ref }), ...(after === undefined ? {} : { after }) });
    for (const r of page) out.push(r.object);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.object.id;
  }
  return out;
}

async function activePledges(store: LedgerStore): Promise<Pledge[]> {
  return (await allOf(store, 'pledge') as Pledge[]).filter((p) => p.status === 'active');
}

export function watchesDevice(d: DeviceInfo, r: Receipt): boolean {
  if (d.status !== 'active' || d.warehouse !== r.warehouse) return false;
  return d.lot !== undefined ? d.lot === r.lot : d.site === r.site;
}

/** Units the lot must hold for this pledge: the floor plus every other live or paper receipt on the lot. */
export function requiredUnits(p: Pledge, r: Receipt, lot: Lot | undefined): bigint | undefined {
  if (p.covenants.quantityFloor === undefined) return undefined;
  const floor = quantityUnits(p.covenants.quantityFloor, r.unit);
  if (lot === undefined) return floor;
  const others = quantityUnits(lot.live, lot.unit) + quantityUnits(lot.paper, lot.unit) - quantityUnits(r.quantity, r.unit);
  return floor + (others > 0n ? others : 0n);
}

export async function buildWatches(store: LedgerStore, devices: Iterable<DeviceInfo>, startMs: number): Promise<WatchEntry[]> {
  const all = [...devices];
  const out: WatchEntry[] = [];
  for (const p of await activePledges(store)) {
    const got = await store.getState([{ kind: 'receipt', id: p.receipt }]);
    const r = got.get(`receipt:${p.receipt}`)?.object as Receipt | undefined;
    if (r === undefined) continue;
    const lot = (await store.getState([{ kind: 'lot', id: lotKey(r.warehouse, r.lot) }])).get(`lot:${lotKey(r.warehouse, r.lot)}`)?.object as Lot | undefined;
    // All of them, however many: their count per covenant numbers the next alert (its nonce).
    const pledgeAlerts = await allOf(store, 'alert', p.id) as { status: string; covenant: string }[];
    const open = new Set(pledgeAlerts.filter((a) => a.status === 'open').map((a) => a.covenant));
    const raised: Record<string, number> = {};
    for (const a of pledgeAlerts) raised[a.covenant] = (raised[a.covenant] ?? 0) + 1;
    const required = requiredUnits(p, r, lot);
    out.push({
      open, raised,
      watch: {
        pledge: p.id, receipt: r.id, covenants: p.covenants, unit: r.unit, ...(required === undefined ? {} : { requiredUnits: required }),
        devices: all.filter((d) => watchesDevice(d, r)).map((d) => ({ id: d.id, kinds: d.kinds })),
        since: Math.max(startMs, Date.parse(p.createdAt)),
      },
    });
  }
  return out;
}

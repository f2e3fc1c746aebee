// A ledger with the parties a gateway test needs: the gateway party, a warehouse with devices, a holder with a
// receipt on a deposited lot, and a bank pledge with covenants.
import type { Covenants } from '../../../contracts/covenants.js';
import type { DeviceKind } from '../../../contracts/state.js';
import { objectId } from '../../../contracts/ids.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { openHarness, testKey, type LedgerHarness, type TestKey } from '../../support/ledger-harness.js';

export const WAREHOUSE = 'wh-a';
export const SITE = 'site-1';

export interface World {
  readonly h: LedgerHarness;
  readonly gateway: TestKey;
  readonly warehouse: TestKey;
  readonly holder: TestKey;
  readonly bank: TestKey;
  registerDevice(id: string, kinds: readonly DeviceKind[], opts?: { lot?: string; site?: string }): Promise<TestKey>;
  revokeDevice(id: string): Promise<void>;
  /** Deposit a lot and issue one receipt for all of it; returns the receipt id. */
  issue(lot: string, quantity: string, unit: string): Promise<string>;
  /** Pledge the receipt to the bank; returns the pledge id. */
  pledge(receipt: string, covenants: Covenants): Promise<string>;
}

export async function openWorld(kind: 'memory' | 'sqlite' = 'memory'): Promise<World> {
  const h = await openHarness(kind);
  const gateway = await h.register(GATEWAY_ID, 'gateway');
  const warehouse = await h.register(WAREHOUSE, 'warehouse');
  const holder = await h.register('holder-a', 'holder');
  const bank = await h.register('bank-a', 'bank');
  return {
    h, gateway, warehouse, holder, bank,
    async registerDevice(id, kinds, opts = {}) {
      const key = testKey(id);
      await h.submit('device.register', {
        id, warehouse: WAREHOUSE, site: opts.site ?? SITE, kinds, publicKey: key.publicKeyB64, ...(opts.lot ? { lot: opts.lot } : {}),
      }, [warehouse]);
      return key;
    },
    async revokeDevice(id) {
      await h.submit('device.revoke', { device: id, reason: 'test' }, [warehouse]);
    },
    async issue(lot, quantity, unit) {
      await h.submit('lot.deposit', { warehouse: WAREHOUSE, lot, site: SITE, bay: 'b1', commodity: 'maize', quantity, unit }, [warehouse]);
      const c = await h.submit('receipt.issue', {
        warehouse: WAREHOUSE, holder: 'holder-a', site: SITE, bay: 'b1', lot, commodity: 'maize', grade: 'No. 2', quantity, unit,
      }, [warehouse]);
      return objectId('rc', c.index);
    },
    async pledge(receipt, covenants) {
      const c = await h.submit('pledge.create', {
        receipt, bank: 'bank-a', amount: '1000.00', currency: 'USD', maturity: '2027-06-01T00:00:00Z', covenants,
      }, [holder, bank]);
      return objectId('pl', c.index);
    },
  };
}

// The demo world seeded into a fresh log (`npm start` with LH_DEMO=true): one warehouse in Rotterdam, two banks,
// two borrowers, an inspector and a regulator; three lots, receipts for coffee, copper and a perishable lot of
// cocoa; a transfer, a split, and one active pledge on the copper with covenants watched by five devices.
// Exported as data so the device simulator and tests use the same ids and ranges.
import type { Covenants, DeviceKind, Role } from '../../contracts/index.js';

export interface DemoParty {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
}

export const DEMO_WAREHOUSE = 'acme-warehouse';
export const DEMO_SITE = 'rotterdam-1';

export const DEMO_PARTIES: readonly DemoParty[] = [
  { id: DEMO_WAREHOUSE, role: 'warehouse', name: 'Acme Warehousing B.V.' },
  { id: 'bank-north', role: 'bank', name: 'Bank North N.V.' },
  { id: 'bank-south', role: 'bank', name: 'Bank South plc' },
  { id: 'coop-farmers', role: 'holder', name: 'Coop Farmers Union' },
  { id: 'trader-ltd', role: 'holder', name: 'Trader Ltd' },
  { id: 'harbour-inspection', role: 'inspector', name: 'Harbour Inspection Services' },
  { id: 'market-regulator', role: 'regulator', name: 'Commodity Markets Regulator' },
];

export interface DemoLot {
  readonly label: 'coffee' | 'copper' | 'cocoa';
  readonly lot: string;
  readonly bay: string;
  readonly commodity: string;
  readonly quantity: string;
  readonly unit: string;
  /** The depositor, who receives the receipt. */
  readonly holder: string;
  readonly grade: string;
}

export const DEMO_LOTS: readonly DemoLot[] = [
  { label: 'coffee', lot: 'COF-2026-001', bay: 'A1', commodity: 'green coffee beans (Arabica)', quantity: '400', unit: 'bag', holder: 'coop-farmers', grade: 'Screen 16, Grade 2' },
  { label: 'copper', lot: 'CU-2026-017', bay: 'B3', commodity: 'copper cathodes', quantity: '125.000', unit: 't', holder: 'trader-ltd', grade: 'LME Grade A (Cu-CATH-1)' },
  { label: 'cocoa', lot: 'COC-2026-005', bay: 'C2', commodity: 'cocoa beans', quantity: '18.500', unit: 't', holder: 'coop-farmers', grade: 'Grade I, fermented' },
];

/** The coffee receipt is endorsed to trader-ltd, who splits it. */
export const DEMO_TRANSFER = { lot: 'coffee', from: 'coop-farmers', to: 'trader-ltd' } as const;
export const DEMO_SPLIT = { lot: 'coffee', parts: ['250', '150'] } as const;

/** The cocoa is perishable: it expires this long after seeding, and carries an inspector's grading certificate. */
export const COCOA_SHELF_LIFE_DAYS = 120;
export const COCOA_INSPECTOR = 'harbour-inspection';
export const COCOA_CERTIFICATE = [
  'GRADING CERTIFICATE (demo data)',
  'Inspector: Harbour Inspection Services',
  'Lot: COC-2026-005, acme-warehouse, rotterdam-1, bay C2',
  'Commodity: cocoa beans, 18.500 t',
  'Grade: Grade I, fermented; moisture 7.1 %; bean count 98 / 100 g; no live insects',
  '',
].join('\n');

/** Waalhaven, Port of Rotterdam: the geofence centre of the pledged copper. */
export const DEMO_LOCATION = { lat: 51.8925, lon: 4.4311 } as const;

export const DEMO_PLEDGE = {
  lot: 'copper',
  bank: 'bank-north',
  amount: '850000.00',
  currency: 'USD',
  maturityDays: 180,
  covenants: {
    quantityFloor: '120.000',
    temperature: { minC: 0, maxC: 40, maxOutOfRangeSeconds: 1800 },
    humidity: { minPct: 10, maxPct: 65, maxOutOfRangeSeconds: 1800 },
    geofence: { shape: 'circle', center: DEMO_LOCATION, radiusM: 400 },
    cameraHeartbeat: { maxGapSeconds: 120 },
    deviceSilence: { maxGapSeconds: 300 },
  } satisfies Covenants,
} as const;

export interface DemoDevice {
  readonly id: string;
  readonly kinds: readonly DeviceKind[];
}

/** Devices watching the pledged copper lot (bound to it), one per covenant they feed. */
export const DEMO_DEVICES: readonly DemoDevice[] = [
  { id: 'scale-01', kinds: ['load-cell'] },
  { id: 'temp-01', kinds: ['temperature'] },
  { id: 'humid-01', kinds: ['humidity'] },
  { id: 'gps-01', kinds: ['gps'] },
  { id: 'cam-01', kinds: ['camera'] },
];

/** API tokens made for the demo parties live this long. */
export const DEMO_TOKEN_DAYS = 90;

// The channels a subscriber (WebSocket client or webhook) chooses from, and which channel a ledger event is on.
// Pure: the event's type decides. Checkpoints and live readings are put on their channel by the code that sends them.
import type { ContractEvent } from '../../contracts/types.js';

export const CHANNELS = ['receipts', 'pledges', 'alerts', 'telemetry', 'ledger'] as const;
export type Channel = (typeof CHANNELS)[number];

const BY_PREFIX: Readonly<Record<string, Channel>> = {
  receipt: 'receipts',
  lot: 'receipts',
  pledge: 'pledges',
  alert: 'alerts',
  telemetry: 'telemetry',
  device: 'telemetry',
  party: 'ledger',
  ledger: 'ledger',
};

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/**
 * receipts: `receipt.*`, `lot.*` · pledges: `pledge.*` · alerts: `alert.*` · telemetry: `telemetry.*`, `device.*`
 * (plus live readings) · ledger: `party.*`, `ledger.*` (plus checkpoints). An unknown type lands on `ledger`, so a
 * new transaction type is never silently unsubscribable.
 */
export function channelOf(event: ContractEvent): Channel {
  const prefix = event.type.split('.', 1)[0] ?? '';
  return Object.hasOwn(BY_PREFIX, prefix) ? BY_PREFIX[prefix]! : 'ledger';
}

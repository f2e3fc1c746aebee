// Successful outcomes and the events they carry.
import type { ContractEvent, Kind, Outcome, StateObject } from './types.js';

export function done(writes: readonly StateObject[], events: readonly ContractEvent[]): Outcome {
  return { ok: true, writes, events };
}

export function event(
  type: string,
  refs: Readonly<Partial<Record<Kind, readonly string[]>>>,
  data?: Readonly<Record<string, unknown>>,
): ContractEvent {
  return data === undefined ? { type, refs } : { type, refs, data };
}

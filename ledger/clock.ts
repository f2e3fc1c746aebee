// Time enters the ledger only through a Clock passed in by the composition root (STYLE.md §1).
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock for tests and replays: starts at `start` and moves only when told. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 10, 24, 0, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

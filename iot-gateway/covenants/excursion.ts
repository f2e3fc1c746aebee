// A measured value that must stay within [min, max]; an excursion is tolerated for `maxOutOfRangeSeconds`.
// Pure state machine over readings of one device, in device time.

export interface Excursion {
  /** Device time (ms) of the first out-of-range reading of the current excursion. */
  readonly since: number;
}

export interface RangeRule {
  readonly min: number;
  readonly max: number;
  readonly maxOutOfRangeSeconds: number;
}

export type ExcursionStep = { readonly excursion: Excursion | undefined; readonly breached: boolean };

/** Next state after a reading `value` at `tsMs`; breached when the excursion has lasted at least the tolerance. */
export function stepExcursion(current: Excursion | undefined, rule: RangeRule, value: number, tsMs: number): ExcursionStep {
  if (value >= rule.min && value <= rule.max) return { excursion: undefined, breached: false }; // back in range
  const excursion = current ?? { since: tsMs };
  return { excursion, breached: lasted(excursion, rule, tsMs) };
}

/** Whether an ongoing excursion has lasted the tolerance by `nowMs` (no new reading needed). */
export function lasted(excursion: Excursion | undefined, rule: RangeRule, nowMs: number): boolean {
  return excursion !== undefined && nowMs - excursion.since >= rule.maxOutOfRangeSeconds * 1000;
}

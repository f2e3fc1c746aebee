// Per-device sequence numbers. A device numbers its readings 0, 1, 2, … and never reuses a number (it keeps the
// counter across reboots). The gateway keeps each device's high-water mark (largest seq stored):
//   (device, seq) already stored → duplicate: acknowledged and dropped (a retransmission or a replay);
//   seq > high-water + 1         → stored, and the missing range recorded as a gap;
//   seq < high-water, not stored → stored (a late reading filling an earlier gap).
// Pure; the stores call it inside the transaction that writes the reading.

export interface SeqGap {
  readonly device: string;
  /** First missing seq (inclusive). */
  readonly from: number;
  /** Last missing seq (inclusive). */
  readonly to: number;
  /** Gateway time the gap was detected, RFC 3339 UTC. */
  readonly detectedAt: string;
}

export type SeqDecision =
  | { readonly status: 'duplicate' }
  | { readonly status: 'new'; readonly highWater: number; readonly gap?: { readonly from: number; readonly to: number } };

export function classifySeq(highWater: number | undefined, seq: number, alreadyStored: boolean): SeqDecision {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`seq: expected a non-negative safe integer, got ${String(seq)}`);
  if (alreadyStored) return { status: 'duplicate' };
  if (highWater === undefined) return { status: 'new', highWater: seq }; // first reading seen: no gap assumed before it
  if (seq <= highWater) return { status: 'new', highWater };
  if (seq === highWater + 1) return { status: 'new', highWater: seq };
  return { status: 'new', highWater: seq, gap: { from: highWater + 1, to: seq - 1 } };
}

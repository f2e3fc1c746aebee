import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifySeq } from '../../../iot-gateway/verify/sequence.js';

describe('iot-gateway verify: classifySeq', () => {
  it('When a (device, seq) is already stored, then it is a duplicate', () => {
    assert.deepEqual(classifySeq(5, 3, true), { status: 'duplicate' });
  });
  it('When the first reading of a device arrives, then no gap is assumed before it', () => {
    assert.deepEqual(classifySeq(undefined, 17, false), { status: 'new', highWater: 17 });
  });
  it('When seq follows the high-water mark, then it is new without a gap', () => {
    assert.deepEqual(classifySeq(5, 6, false), { status: 'new', highWater: 6 });
  });
  it('When seq jumps ahead, then the missing range is a gap', () => {
    assert.deepEqual(classifySeq(5, 9, false), { status: 'new', highWater: 9, gap: { from: 6, to: 8 } });
  });
  it('When a late reading fills a gap, then it is new and the high-water mark stays', () => {
    assert.deepEqual(classifySeq(9, 7, false), { status: 'new', highWater: 9 });
  });
  it('When seq is negative or not an integer, then RangeError', () => {
    assert.throws(() => classifySeq(1, -1, false), RangeError);
    assert.throws(() => classifySeq(1, 1.5, false), RangeError);
  });
  it('When any sequence of seqs is classified, then the high-water mark is the maximum seen and gaps cover exactly the skipped numbers', () => {
    fc.assert(fc.property(fc.array(fc.nat(200), { minLength: 1, maxLength: 60 }), (seqs) => {
      let hw: number | undefined;
      const seen = new Set<number>();
      const gapped = new Set<number>();
      for (const s of seqs) {
        const d = classifySeq(hw, s, seen.has(s));
        if (d.status === 'duplicate') continue;
        seen.add(s);
        if (d.gap) for (let g = d.gap.from; g <= d.gap.to; g++) gapped.add(g);
        hw = d.highWater;
      }
      assert.equal(hw, Math.max(...seqs));
      const first = seqs[0]!;
      for (let n = first; n <= hw; n++) if (!seen.has(n) && n > first) assert.ok(gapped.has(n), `missing ${n} recorded`);
    }), { numRuns: 200 });
  });
});

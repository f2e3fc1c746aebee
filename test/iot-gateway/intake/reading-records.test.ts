import assert from 'node:assert/strict';
import { recordsOf } from '../../../iot-gateway/intake/reading-records.js';
import { readingsOf } from '../../../iot-gateway/verify/verify-message.js';
import { canonicalJson } from '../../../ledger/encoding/canonical.js';
import { batchOf, iso, signed, T0, weight } from '../support/readings.js';

const at = iso(T0 + 5);

describe('iot-gateway intake: recordsOf', () => {
  it('When a single reading is recorded, then its record is the reading, its signature and the receive time', () => {
    const msg = signed(weight('scale-1', 7, 12.5));
    const [r, ...rest] = recordsOf(msg, { sig: msg.sig }, at);
    assert.equal(rest.length, 0);
    assert.deepEqual(r, { ...weight('scale-1', 7, 12.5), sig: msg.sig, receivedAt: at });
  });

  it('When a batch is recorded, then each record is readingsOf\'s reading plus the batch digest and the receive time, in order', () => {
    const items = [1, 2, 3].map((seq) => ({ seq, ts: iso(T0 + seq), kind: 'load-cell' as const, values: { kg: seq / 3 } }));
    const b = batchOf('scale-1', items);
    const evidence = { batch: 'ab'.repeat(32) };
    const records = recordsOf(b, evidence, at);
    assert.deepEqual(records, readingsOf(b).map((r) => ({ ...r, ...evidence, receivedAt: at })));
    // The Merkle leaf text is the same as before the records were built in one step.
    assert.deepEqual(records.map((r) => canonicalJson(r)), readingsOf(b).map((r) => canonicalJson({ ...r, ...evidence, receivedAt: at })));
  });
});

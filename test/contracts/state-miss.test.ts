import assert from 'node:assert/strict';
import { StateMiss } from '../../contracts/types.js';

describe('contracts/types: StateMiss', () => {
  it('When a miss is signalled, then it is an Error naming kind and id, made without a stack, and the stack limit is restored', () => {
    const limit = Error.stackTraceLimit;
    const miss = new StateMiss('lot', 'wh-1/L-1');
    assert.ok(miss instanceof Error);
    assert.equal(miss.name, 'StateMiss');
    assert.equal(miss.kind, 'lot');
    assert.equal(miss.id, 'wh-1/L-1');
    assert.equal(miss.message, 'state object lot:wh-1/L-1 not loaded');
    assert.equal(miss.stack?.includes('\n    at '), false);
    assert.equal(Error.stackTraceLimit, limit);
    assert.ok(new Error('x').stack?.includes('\n    at '));
  });
});

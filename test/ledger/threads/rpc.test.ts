// Calls and notes between threads (ledger/threads/rpc.ts) over a real MessageChannel.
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { PortInUseError } from '../../../iot-gateway/index.js';
import { RemoteError, Rpc, toWire } from '../../../ledger/threads/rpc.js';

function pair(): { a: Rpc; b: Rpc; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  return { a: new Rpc(port1), b: new Rpc(port2), close: () => port1.close() };
}

describe('Rpc between threads (ledger/threads/rpc.ts)', () => {
  it('When a call is answered, then the caller gets the value, Uint8Arrays included', async () => {
    const { a, b, close } = pair();
    b.handle<{ n: number }>('double', async ({ n }) => ({ n: 2 * n, bytes: new Uint8Array([n]) }));
    assert.deepEqual(await a.call('double', { n: 21 }), { n: 42, bytes: new Uint8Array([21]) });
    close();
  });

  it('When the handler throws, then the caller gets a RemoteError with the name, message and code', async () => {
    const { a, b, close } = pair();
    b.handle('boom', () => {
      throw Object.assign(new Error('database is locked'), { name: 'LedgerError', code: 'STORE_FAILED' });
    });
    await assert.rejects(a.call('boom'), (e: unknown) => e instanceof RemoteError && e.name === 'LedgerError' && e.message === 'database is locked' && e.code === 'STORE_FAILED');
    await assert.rejects(a.call('nobody-answers'), /no handler for 'nobody-answers'/);
    close();
  });

  it('When notes are sent before a call, then they arrive before the call, in order', async () => {
    const { a, b, close } = pair();
    const seen: number[] = [];
    b.handle<number>('note', (n) => seen.push(n));
    b.handle('seen', () => [...seen]);
    for (let i = 0; i < 100; i++) a.note('note', i);
    assert.deepEqual(await a.call('seen'), Array.from({ length: 100 }, (_, i) => i));
    close();
  });

  it('When the other side is gone, then pending and later calls fail with the reason', async () => {
    const { a, close } = pair();
    const pending = a.call('never');
    a.fail(new Error('the gateway thread exited with code 1'));
    await assert.rejects(pending, /exited with code 1/);
    await assert.rejects(a.call('later'), /exited with code 1/);
    close();
  });

  it('When a PortInUseError crosses, then its host and port cross with it', () => {
    assert.deepEqual(toWire(new PortInUseError('127.0.0.1', 1883)), {
      name: 'PortInUseError', message: new PortInUseError('127.0.0.1', 1883).message, host: '127.0.0.1', port: 1883,
    });
  });
});

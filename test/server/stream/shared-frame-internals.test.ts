// shared-frame.ts writes pre-built frames through `ws` internals (ws 8: `_socket`, `_sender._queue`,
// `_sender._state`, `_extensions`). If an upgrade of `ws` renames them, this fails instead of frames silently going
// out of order or never taking the fast path.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame, writeFrame } from '../../../server/stream/shared-frame.js';

describe('server/stream/shared-frame against the installed ws', () => {
  it('When a server socket is open, then the internals it relies on exist, and a written frame arrives as text after an earlier send', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
    try {
      const got: { text: string; binary: boolean }[] = [];
      const two = new Promise<void>((resolve) => client.on('message', (data, binary) => {
        got.push({ text: String(data), binary });
        if (got.length === 2) resolve();
      }));
      const ws = await serverSide;
      const inner = ws as unknown as { _socket?: unknown; _sender?: { _queue?: unknown; _state?: unknown }; _extensions?: unknown };
      assert.ok(inner._socket !== undefined, '_socket');
      assert.ok(Array.isArray(inner._sender?._queue), '_sender._queue is an array');
      assert.equal(typeof inner._sender?._state, 'number', '_sender._state is a number');
      assert.equal(typeof inner._extensions, 'object', '_extensions');
      ws.send('first');
      const written = await new Promise<boolean>((resolve, reject) => {
        const ok = writeFrame(ws, textFrame(Buffer.from('second ü')), (e) => (e ? reject(e) : resolve(ok)));
        if (!ok) resolve(false);
      });
      assert.equal(written, true, 'the fast path was taken');
      await two;
      assert.deepEqual(got, [{ text: 'first', binary: false }, { text: 'second ü', binary: false }]);
    } finally {
      client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

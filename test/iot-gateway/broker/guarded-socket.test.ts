import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { guardSocket } from '../../../iot-gateway/broker/guarded-socket.js';

describe('iot-gateway/broker/guarded-socket: the broker\'s view of a connection', () => {
  let server: Server;
  let serverSide: Socket;
  let client: Socket;
  beforeEach(async () => {
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection');
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    [serverSide] = (await accepted) as [Socket];
  });
  afterEach(async () => {
    client.destroy();
    serverSide.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('When the broker writes several packets in one tick, then they are held until the tick ends and all arrive', async () => {
    const wrapped = guardSocket(serverSide, 1024, () => assert.fail('nothing is oversized'));
    const pubacks = [0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00, 0x02, 0x40, 0x02, 0x00, 0x03];
    const received: number[] = [];
    client.on('data', (b: Buffer) => received.push(...b));
    for (let i = 0; i < 3; i++) wrapped.write(Buffer.from(pubacks.slice(4 * i, 4 * i + 4)));
    assert.equal(serverSide.writableCorked, 1, 'corked while the tick lasts');
    await new Promise((r) => process.nextTick(r));
    assert.equal(serverSide.writableCorked, 0, 'uncorked at the end of the tick');
    while (received.length < pubacks.length) await once(client, 'data');
    assert.deepEqual(received, pubacks);
    wrapped.write(Buffer.from([0xd0, 0x00])); // a later tick corks again and is delivered too
    await once(client, 'data');
    assert.deepEqual(received.slice(-2), [0xd0, 0x00]);
  });

  it('When a packet announces more than the limit, then the connection is dropped before it is buffered', async () => {
    let dropped = false;
    const wrapped = guardSocket(serverSide, 16, () => (dropped = true));
    wrapped.resume();
    client.write(Buffer.from([0x30, 0x7f])); // PUBLISH announcing 127 bytes
    await once(wrapped, 'close');
    assert.equal(dropped, true);
  });
});

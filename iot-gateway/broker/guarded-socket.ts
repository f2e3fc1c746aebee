// A socket wrapped so the broker reads it only through a FrameGuard: a packet announced larger than the limit
// drops the connection before a byte of it is buffered. Writes go to the socket, corked until the end of the
// current tick, so the acknowledgements a group commit settles at once (aedes writes each PUBACK on its own) leave
// in one system call per connection instead of one each.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { FrameGuard, type FrameVerdict } from './frame-guard.js';

export function guardSocket(socket: Socket, maxPacketBytes: number, onDrop: (v: FrameVerdict) => void): Duplex {
  const guard = new FrameGuard(maxPacketBytes);
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  const wrapped = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) return callback(new Error('socket closed'));
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      if (socket.write(chunk)) return callback();
      socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const verdict = guard.push(chunk);
    if (!verdict.ok) {
      onDrop(verdict);
      socket.pause();
      wrapped.destroy();
      return;
    }
    if (!wrapped.push(chunk)) socket.pause();
  });
  socket.on('end', () => wrapped.push(null));
  socket.on('error', () => wrapped.destroy());
  socket.on('close', () => wrapped.destroy());
  socket.pause();
  return wrapped;
}

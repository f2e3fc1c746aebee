// A socket wrapped so the broker reads it only through a FrameGuard: a packet announced larger than the limit
// drops the connection before a byte of it is buffered. Writes go straight to the socket.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { FrameGuard, type FrameVerdict } from './frame-guard.js';

export function guardSocket(socket: Socket, maxPacketBytes: number, onDrop: (v: FrameVerdict) => void): Duplex {
  const guard = new FrameGuard(maxPacketBytes);
  const wrapped = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) return callback(new Error('socket closed'));
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

// One WebSocket text frame built once and written as-is to every socket that gets the message, instead of `ws`
// framing the same payload again per client (a header buffer, a cork and a two-buffer writev each). Server frames
// are unmasked (RFC 6455 §5.1), so the bytes are the same for every client. Used only where `ws` itself would write
// the frame straight to the socket at once: connection open, nothing queued in its sender, no permessage-deflate.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** The complete frame for a UTF-8 payload: FIN and opcode 1 (text), then the payload length in 7, 7+16 or 7+64 bits. */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10; // RFC 6455 §5.2: payload length 0–125, 126 + uint16, 127 + uint64
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81; // FIN, RSV1-3 clear, opcode 0x1 text
  if (head === 2) frame[1] = n;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  payload.copy(frame, head);
  return frame;
}

/** What `ws` keeps behind its public API (ws 8) that a direct write must respect. */
interface WsInternals {
  readonly _socket?: Socket;
  readonly _sender?: { readonly _queue?: readonly unknown[]; readonly _state?: number };
  readonly _extensions?: Readonly<Record<string, unknown>>;
}

/**
 * Write a frame from `textFrame` on the client's socket, in order with anything `ws` wrote before it; `ws.bufferedAmount`
 * counts it as usual. False (nothing written) when `ws` would not write straight through; then use `ws.send`.
 */
export function writeFrame(ws: WebSocket, frame: Buffer, cb: (err?: Error | null) => void): boolean {
  if (ws.readyState !== WebSocket.OPEN) return false;
  const inner = ws as unknown as WsInternals;
  const socket = inner._socket;
  const sender = inner._sender;
  if (socket === undefined || sender === undefined || (sender._queue?.length ?? 0) > 0 || (sender._state ?? 0) !== 0) return false;
  if (inner._extensions === undefined || Object.keys(inner._extensions).length > 0) return false;
  socket.write(frame, cb);
  return true;
}

// Packet-size guard for raw MQTT bytes, run before the broker parses anything (aedes buffers a whole packet of
// any announced size, before authentication too). It reads only each packet's fixed header — the type byte and
// the Remaining Length varint [MQTT-2.2.3] — and skips the body arithmetically, so it costs O(chunks), not O(bytes).
// Pure and incremental: feed it chunks as they arrive.

export type FrameVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: 'too-large' | 'malformed'; readonly size?: number };

/** MQTT 3.1.1 §2.2.3: at most four length bytes (up to 268,435,455). */
const MAX_LENGTH_BYTES = 4;

export class FrameGuard {
  /** Bytes still to skip in the current packet's body. */
  #skip = 0;
  /** Reading a Remaining Length varint: bytes read so far (0 = at a packet's first byte). */
  #lengthBytes = -1;
  #length = 0;
  #multiplier = 1;

  constructor(readonly maxPacketBytes: number) {
    if (!Number.isSafeInteger(maxPacketBytes) || maxPacketBytes < 2) throw new RangeError(`maxPacketBytes: expected an integer ≥ 2, got ${maxPacketBytes}`);
  }

  /** Inspects the next chunk of the stream. Once it returns not-ok the stream must be dropped. */
  push(chunk: Uint8Array): FrameVerdict {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.#lengthBytes < 0) { // the type/flags byte
        this.#lengthBytes = 0;
        this.#length = 0;
        this.#multiplier = 1;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier; // [MQTT-2.2.3] variable length encoding
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (byte & 0x80) {
        if (this.#lengthBytes >= MAX_LENGTH_BYTES) return { ok: false, reason: 'malformed' };
        continue;
      }
      const total = 1 + this.#lengthBytes + this.#length;
      if (total > this.maxPacketBytes) return { ok: false, reason: 'too-large', size: total };
      this.#skip = this.#length;
      this.#lengthBytes = -1;
    }
    return { ok: true };
  }
}

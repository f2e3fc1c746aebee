// The HTTP load generator's response reader: an incremental HTTP/1.1 response parser that reads each answer only as
// far as its status and framing (Content-Length, chunked, or until close; RFC 9112) and skips the body, so that the
// load generator spends as little CPU per answer as it can (node's own parser is not public API).
/** A response head longer than this is not one our server sends: the connection is dropped as broken. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const NOTHING = Buffer.alloc(0);

/** What a response head says about its status, how its body ends and whether the connection stays open. */
interface ResponseHead {
  readonly status: number;
  /** Body length in bytes, `'chunked'`, or `'close'` (the body runs until the server closes the connection). */
  readonly body: number | 'chunked' | 'close';
  readonly close: boolean;
}

/** Parses a response's status line and header fields (the head without its final CRLF CRLF); undefined if malformed. */
function parseHead(head: string): ResponseHead | undefined {
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!); // RFC 9112 §4 status-line
  if (m === null) return undefined;
  const status = Number(m[2]);
  let length: number | undefined;
  let chunked = false;
  let close = m[1] === '0'; // RFC 9112 §9.3: HTTP/1.0 closes unless it says keep-alive
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'content-length') {
      const value = line.slice(colon + 1).trim();
      if (!/^\d+$/.test(value)) return undefined;
      length = Number(value);
    } else if (name === 'transfer-encoding') chunked = line.slice(colon + 1).split(',').pop()!.trim().toLowerCase() === 'chunked';
    else if (name === 'connection') {
      const options = line.slice(colon + 1).toLowerCase().split(',').map((o) => o.trim());
      if (options.includes('close')) close = true;
      else if (options.includes('keep-alive')) close = false;
    }
  }
  // RFC 9112 §6.3: no body after 1xx, 204 and 304; chunked wins over Content-Length; neither means "until close".
  const body = status < 200 || status === 204 || status === 304 ? 0 : chunked ? 'chunked' : (length ?? 'close');
  return { status, body, close: close || body === 'close' };
}

type ReadState = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close';

/**
 * An incremental HTTP/1.1 response reader for one connection: bytes in, as they arrive (one answer split over many
 * reads, or many answers in one), and `onResponse` called once per complete final answer. The body is skipped.
 */
export class ResponseReader {
  #buf: Buffer = NOTHING;
  #state: ReadState = 'head';
  /** Bytes of the body, or of the current chunk and its CRLF, still to skip. */
  #left = 0;
  #head: ResponseHead | undefined;
  readonly #onResponse: (status: number, close: boolean) => void;

  constructor(onResponse: (status: number, close: boolean) => void) {
    this.#onResponse = onResponse;
  }

  /**
   * Takes the next bytes received, which the caller may overwrite once this returns; false when they are not an
   * HTTP/1.x response (the connection is then useless).
   */
  feed(chunk: Buffer): boolean {
    const buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    let at = 0;
    while (at < buf.length) {
      if (this.#state === 'until-close') {
        at = buf.length;
      } else if (this.#state === 'body' || this.#state === 'chunk-data') {
        const take = Math.min(this.#left, buf.length - at);
        at += take;
        this.#left -= take;
        if (this.#left > 0) break;
        if (this.#state === 'chunk-data') this.#state = 'chunk-size';
        else if (this.#complete()) return true;
      } else {
        const eol = buf.indexOf(this.#state === 'head' ? HEAD_END : CRLF, at);
        if (eol < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) return false;
          break;
        }
        const line = buf.toString('latin1', at, eol);
        at = eol + (this.#state === 'head' ? 4 : 2);
        const next = this.#line(line);
        if (next === 'bad') return false;
        if (next === 'closing') return true;
      }
    }
    this.#buf = at >= buf.length ? NOTHING : Buffer.from(buf.subarray(at)); // a copy: `chunk` is the caller's to reuse
    return true;
  }

  /** The connection closed: whether that completed an answer whose body ran until the close (its status, or undefined). */
  closed(): number | undefined {
    return this.#state === 'until-close' ? this.#head?.status : undefined;
  }

  /** One head, chunk-size line or trailer line (without its CRLF); says whether to go on reading. */
  #line(line: string): 'go' | 'bad' | 'closing' {
    if (this.#state === 'head') {
      const head = parseHead(line);
      if (head === undefined) return 'bad';
      if (head.status < 200) return 'go'; // RFC 9110 §15.2: interim answer, the final one follows
      this.#head = head;
      if (head.body === 0) return this.#complete() ? 'closing' : 'go';
      if (head.body === 'chunked') this.#state = 'chunk-size';
      else if (head.body === 'close') this.#state = 'until-close';
      else {
        this.#left = head.body;
        this.#state = 'body';
      }
      return 'go';
    }
    if (this.#state === 'chunk-size') {
      const m = /^([0-9a-fA-F]+)[ \t]*(?:;|$)/.exec(line); // RFC 9112 §7.1: chunk-size [ chunk-ext ]
      if (m === null) return 'bad';
      const size = parseInt(m[1]!, 16);
      if (size === 0) this.#state = 'trailers';
      else {
        this.#left = size + 2;
        this.#state = 'chunk-data';
      }
      return 'go';
    }
    // trailers: RFC 9112 §7.1.2, field lines up to an empty line
    if (line.length > 0) return 'go';
    return this.#complete() ? 'closing' : 'go';
  }

  /** An answer is complete; true when its connection is to close (nothing after it is read). */
  #complete(): boolean {
    const head = this.#head!;
    this.#state = 'head';
    this.#head = undefined;
    this.#onResponse(head.status, head.close);
    return head.close;
  }
}

// The `/v1/stream` WebSocket from a page: subscribes to channels, resumes from the last ledger index after a drop
// (`since`, so a reconnecting page misses nothing; duplicates are dropped by (index, seq)), reconnects with backoff,
// and stops for good when the server says the token is no longer valid (close code 4001).

export type Channel = 'receipts' | 'pledges' | 'alerts' | 'telemetry' | 'ledger';
export type LiveState = 'connecting' | 'live' | 'offline' | 'stopped';

export interface LedgerEvent {
  readonly channel: Channel;
  readonly index: number;
  readonly seq: number;
  readonly event: { readonly type: string; readonly refs: Readonly<Record<string, readonly string[] | undefined>>; readonly data?: unknown };
}

export interface LiveStreamOptions {
  readonly token: string;
  readonly channels: readonly Channel[];
  /** Replay events from this ledger index on the first connection (e.g. the log size when the page loaded). */
  readonly since?: number;
  onEvent(e: LedgerEvent): void;
  onReading?(reading: Record<string, unknown>): void;
  onState?(state: LiveState, detail?: string): void;
}

const TOKEN_INVALID = 4001;
const MAX_BACKOFF_MS = 15_000;

export class LiveStream {
  #ws: WebSocket | undefined;
  #since: number | undefined;
  #last: { index: number; seq: number } | undefined;
  #backoff = 500;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: LiveStreamOptions) {
    this.#since = opts.since;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000);
    this.opts.onState?.('stopped');
  }

  #connect(): void {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.opts.onState?.('connecting');
    const ws = new WebSocket(`${proto}//${location.host}/v1/stream?token=${encodeURIComponent(this.opts.token)}`);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      const since = this.#last?.index ?? this.#since;
      ws.send(JSON.stringify({ op: 'subscribe', channels: this.opts.channels, ...(since === undefined ? {} : { since }) }));
    });
    ws.addEventListener('message', (m) => this.#onMessage(typeof m.data === 'string' ? m.data : ''));
    ws.addEventListener('close', (e) => this.#onClose(e.code, e.reason));
  }

  #onMessage(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg['type'] === 'subscribed') {
      this.#backoff = 500;
      if (this.#since === undefined && typeof msg['size'] === 'number') this.#since = msg['size'];
      this.opts.onState?.('live');
    } else if (msg['type'] === 'event' && typeof msg['index'] === 'number' && typeof msg['seq'] === 'number') {
      const at = { index: msg['index'], seq: msg['seq'] };
      if (this.#last !== undefined && (at.index < this.#last.index || (at.index === this.#last.index && at.seq <= this.#last.seq))) return;
      this.#last = at;
      this.opts.onEvent(msg as unknown as LedgerEvent);
    } else if (msg['type'] === 'reading' && typeof msg['reading'] === 'object' && msg['reading'] !== null) {
      this.opts.onReading?.(msg['reading'] as Record<string, unknown>);
    }
  }

  #onClose(code: number, reason: string): void {
    if (this.#stopped) return;
    if (code === TOKEN_INVALID) {
      this.#stopped = true;
      this.opts.onState?.('stopped', reason || 'the token is no longer valid');
      return;
    }
    this.opts.onState?.('offline', reason || undefined);
    this.#timer = setTimeout(() => this.#connect(), this.#backoff);
    this.#backoff = Math.min(MAX_BACKOFF_MS, this.#backoff * 2);
  }
}

/** A small "● live" indicator that follows a stream's state. */
export function liveIndicator(): { el: HTMLElement; set(state: LiveState, detail?: string): void } {
  const el = document.createElement('span');
  el.className = 'live';
  const dot = document.createElement('span');
  dot.className = 'live-dot';
  const text = document.createElement('span');
  el.append(dot, text);
  const set = (state: LiveState, detail?: string): void => {
    el.classList.toggle('live-on', state === 'live');
    el.classList.toggle('live-off', state === 'offline' || state === 'stopped');
    el.dataset['state'] = state;
    text.textContent = { connecting: 'connecting…', live: 'live', offline: 'reconnecting…', stopped: `live updates stopped${detail ? `: ${detail}` : ''}` }[state];
  };
  set('connecting');
  return { el, set };
}

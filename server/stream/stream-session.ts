// One WebSocket subscriber. Everything it is sent goes through one sequential pump, in this order: the replay of
// stored events from `since` (paged from the store), then the live items that arrived meanwhile and after (buffered
// in the inbox while replaying). Ledger events are deduplicated by (index, seq) against a cursor, so the switch from
// replay to live has no gap (the inbox was attached before the first store read) and no duplicate (anything at or
// before the cursor is dropped). Back-pressure: above `highWaterBytes` in the socket's buffer the pump waits for the
// socket to drain while the inbox absorbs new items; a client whose inbox passes `maxQueued` messages, whose buffer
// would pass `maxBufferedBytes`, or who does not drain within `maxStallMs`, is closed with 4008 "slow consumer".
import type { WebSocket } from 'ws';
import type { CommittedBatch } from '../../ledger/pipeline/commit-pipeline.js';
import type { EventRecord, LedgerStore } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import type { Principal } from '../auth/authenticate.js';
import { channelOf, type Channel } from './channels.js';
import type { ReadingAccess } from './reading-access.js';
import { CLOSE, StreamProtocolError, parseClientMessage, type ServerMessage } from './stream-protocol.js';
import { textFrame, writeFrame } from './shared-frame.js';
import type { LiveReading } from './telemetry-feed.js';

export interface StreamLimits {
  /** Above this many bytes waiting in the socket, the pump pauses until it drains. */
  readonly highWaterBytes: number;
  /** Hard cap on bytes waiting in the socket; a send that would pass it closes the client instead. */
  readonly maxBufferedBytes: number;
  /** Most messages waiting in the inbox (replay in progress, or socket not draining). */
  readonly maxQueued: number;
  /** Longest wait for the socket to drain below the high-water mark. */
  readonly maxStallMs: number;
  /** Events read from the store per replay page. */
  readonly replayPage: number;
}

export interface SessionDeps {
  readonly store: LedgerStore;
  readonly access: AccessControl;
  readonly readings: ReadingAccess;
  readonly limits: StreamLimits;
  readonly onError: (err: unknown) => void;
}

/** A message serialised once for many sessions: its UTF-8 JSON and the complete text frame carrying it. */
interface SharedMessage {
  readonly data: Buffer;
  readonly frame: Buffer;
}

/**
 * An event's message, serialised and framed once however many sessions send it: a committed batch's records are the
 * same objects for every session, so fanning one alert out to 5,000 clients stringifies and frames it once.
 */
const eventMessages = new WeakMap<EventRecord, SharedMessage>();

function eventMessage(record: EventRecord, channel: Channel): SharedMessage {
  let shared = eventMessages.get(record);
  if (shared === undefined) {
    const msg: ServerMessage = { type: 'event', channel, index: record.index, seq: record.seq, event: record.event };
    const data = Buffer.from(JSON.stringify(msg), 'utf8');
    shared = { data, frame: textFrame(data) };
    eventMessages.set(record, shared);
  }
  return shared;
}

/**
 * Access decisions per event record and caller (role and party), shared by the sessions a batch fans out to: the
 * decision depends only on the event, the caller's party and the state, so 5,000 sessions of one bank ask the store
 * once per event. Records of a replay page are fresh objects, so a replay decides against the state it reads.
 */
const eventDecisions = new WeakMap<EventRecord, Map<string, Promise<boolean>>>();

function canSeeRecord(access: AccessControl, principal: Principal, record: EventRecord): Promise<boolean> {
  let byCaller = eventDecisions.get(record);
  if (byCaller === undefined) {
    byCaller = new Map();
    eventDecisions.set(record, byCaller);
  }
  const key = `${principal.role}\u0000${principal.partyId}`;
  let decision = byCaller.get(key);
  if (decision === undefined) {
    decision = access.canSeeEvent(principal, record.event);
    byCaller.set(key, decision);
    decision.catch(() => byCaller.delete(key)); // a failed check is not remembered; the session reports its own failure
  }
  return decision;
}

/** ws sends a Buffer as a binary frame unless told otherwise; every server message is JSON text. */
const TEXT_FRAME = { binary: false } as const;

type InboxItem = { readonly kind: 'batch'; readonly batch: CommittedBatch } | { readonly kind: 'reading'; readonly reading: LiveReading };

interface Position {
  readonly index: number;
  readonly seq: number;
}

const after = (e: Position, cursor: Position | undefined): boolean =>
  cursor === undefined || e.index > cursor.index || (e.index === cursor.index && e.seq > cursor.seq);

export class StreamSession {
  /** Answered the last heartbeat ping. */
  alive = true;
  #channels: ReadonlySet<Channel> | undefined;
  readonly #inbox: InboxItem[] = [];
  #queued = 0;
  #live = false;
  #pumping = false;
  #closing = false;
  /** Last ledger event processed (sent or filtered out). */
  #cursor: Position | undefined;
  #checkpointSize = 0;
  #drainWaiter: (() => void) | undefined;
  readonly #onWritten = (): void => {
    if (this.#drainWaiter !== undefined && this.ws.bufferedAmount <= this.deps.limits.highWaterBytes / 2) {
      const wake = this.#drainWaiter;
      this.#drainWaiter = undefined;
      wake();
    }
  };

  constructor(
    readonly ws: WebSocket,
    readonly principal: Principal,
    /** The token the client authenticated with, re-checked on every heartbeat. */
    readonly token: string,
    private readonly deps: SessionDeps,
    private readonly defaultSince: number | undefined,
  ) {}

  get queued(): number {
    return this.#queued;
  }

  get closing(): boolean {
    return this.#closing;
  }

  onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#closing) return;
    try {
      if (isBinary) throw new StreamProtocolError('MESSAGE_BINARY', 'messages must be JSON text', CLOSE.unsupportedData);
      // ws has already refused invalid UTF-8 in a text frame (close 1007), so this decode is exact.
      const msg = parseClientMessage(data.toString('utf8'));
      if (this.#channels !== undefined) {
        throw new StreamProtocolError('ALREADY_SUBSCRIBED', 'this connection is already subscribed; reconnect to change channels', CLOSE.policy);
      }
      // Attach to the live feed now, before anything is read from the store: this is what makes replay gapless.
      this.#channels = new Set(msg.channels);
      void this.#start(msg.channels, msg.since ?? this.defaultSince);
    } catch (e) {
      this.#refuse(e);
    }
  }

  pushBatch(batch: CommittedBatch): void {
    if (this.#channels === undefined || this.#closing) return;
    this.#enqueue({ kind: 'batch', batch }, batch.events.length + 1);
  }

  pushReading(reading: LiveReading): void {
    if (this.#channels?.has('telemetry') !== true || this.#closing) return;
    this.#enqueue({ kind: 'reading', reading }, 1);
  }

  /** Close with a code and reason; nothing more is sent. ws destroys the socket if the handshake stalls. */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#inbox.length = 0;
    this.#queued = 0;
    this.#wakeDrainWaiter();
    this.ws.close(code, reason.slice(0, 120)); // RFC 6455 §5.5: a control frame payload is at most 125 bytes
  }

  /** The socket is gone: drop everything and release a pump waiting for the socket to drain. */
  dispose(): void {
    this.#closing = true;
    this.#inbox.length = 0;
    this.#queued = 0;
    this.#wakeDrainWaiter();
  }

  #enqueue(item: InboxItem, messages: number): void {
    if (this.#queued + messages > this.deps.limits.maxQueued) {
      this.close(CLOSE.slowConsumer, `slow consumer: more than ${this.deps.limits.maxQueued} messages waiting`);
      return;
    }
    this.#inbox.push(item);
    this.#queued += messages;
    if (this.#live && !this.#pumping) void this.#pump();
  }

  #refuse(e: unknown): void {
    if (!(e instanceof StreamProtocolError)) {
      this.deps.onError(e);
      e = new StreamProtocolError('REPLAY_FAILED', 'internal error; reconnect with since= to resume', CLOSE.internal);
    }
    const err = e as StreamProtocolError;
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify({ type: 'error', code: err.code, message: err.message } satisfies ServerMessage));
    this.close(err.closeCode, err.message);
  }

  async #start(channels: readonly Channel[], since: number | undefined): Promise<void> {
    this.#pumping = true;
    try {
      const size = (await this.deps.store.latestCheckpoint())?.size ?? 0;
      if (since !== undefined && since > size) {
        throw new StreamProtocolError('SINCE_OUT_OF_RANGE', `since ${since} is beyond the log size ${size}`, CLOSE.policy);
      }
      await this.#send({ type: 'subscribed', channels, since: since ?? null, size });
      if (since !== undefined) await this.#replay(since);
      await this.#send({ type: 'caught-up', next: this.#nextIndex(size) });
      this.#live = true;
      await this.#drain();
    } catch (e) {
      if (!this.#closing) this.#refuse(e);
    } finally {
      this.#pumping = false;
    }
    if (this.#inbox.length > 0 && !this.#closing) void this.#pump();
  }

  /** The first ledger index not yet processed. */
  #nextIndex(size: number): number {
    if (this.#cursor === undefined) return size;
    return this.#cursor.seq < 0 ? this.#cursor.index : this.#cursor.index + 1;
  }

  async #replay(since: number): Promise<void> {
    const { replayPage } = this.deps.limits;
    this.#cursor = { index: since, seq: -1 };
    let from = since;
    for (;;) {
      const page = await this.deps.store.events(from, replayPage);
      let progressed = false;
      for (const record of page) {
        if (this.#closing) return;
        if (!after(record, this.#cursor)) continue;
        await this.#offerEvent(record);
        progressed = true;
      }
      if (page.length < replayPage) break;
      const last = page[page.length - 1]!;
      // Re-read from the last index (an entry's events may straddle pages); skip it only if nothing moved.
      from = progressed ? last.index : last.index + 1;
    }
    if (this.#channels?.has('ledger') === true) {
      const cp = await this.deps.store.latestCheckpoint();
      if (cp !== undefined) await this.#offerCheckpoint(cp);
    }
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      await this.#drain();
    } catch (e) {
      if (!this.#closing) this.#refuse(e);
    } finally {
      this.#pumping = false;
    }
  }

  async #drain(): Promise<void> {
    while (this.#inbox.length > 0 && !this.#closing) {
      const item = this.#inbox.shift()!;
      if (item.kind === 'reading') {
        this.#queued -= 1;
        if (await this.deps.readings.canSee(this.principal, item.reading)) {
          await this.#send({ type: 'reading', channel: 'telemetry', reading: item.reading });
        }
        continue;
      }
      const { batch } = item;
      this.#queued -= batch.events.length + 1;
      for (const record of batch.events) {
        if (this.#closing) return;
        if (after(record, this.#cursor)) await this.#offerEvent(record);
      }
      await this.#offerCheckpoint(batch.checkpoint);
    }
  }

  async #offerEvent(record: EventRecord): Promise<void> {
    this.#cursor = { index: record.index, seq: record.seq };
    const channel = channelOf(record.event);
    if (this.#channels?.has(channel) !== true) return;
    if (!(await canSeeRecord(this.deps.access, this.principal, record))) return;
    await this.#send(eventMessage(record, channel));
  }

  async #offerCheckpoint(cp: { size: number; note: string }): Promise<void> {
    if (this.#channels?.has('ledger') !== true || cp.size <= this.#checkpointSize) return;
    this.#checkpointSize = cp.size;
    await this.#send({ type: 'checkpoint', channel: 'ledger', size: cp.size, note: cp.note }); // public, like /v1/ledger/checkpoint
  }

  /** Send a message, or one already serialised and framed for many sessions; always as a text frame. */
  async #send(msg: ServerMessage | SharedMessage): Promise<void> {
    if (this.#closing) return;
    const { highWaterBytes, maxBufferedBytes } = this.deps.limits;
    if (this.ws.bufferedAmount > highWaterBytes) await this.#waitForDrain();
    if (this.#closing) return;
    const shared = 'frame' in msg ? msg : undefined;
    const data = shared?.data ?? Buffer.from(JSON.stringify(msg), 'utf8');
    if (this.ws.bufferedAmount + data.length > maxBufferedBytes) {
      this.close(CLOSE.slowConsumer, `slow consumer: more than ${maxBufferedBytes} bytes unread`);
      return;
    }
    if (shared !== undefined && writeFrame(this.ws, shared.frame, this.#onWritten)) return;
    this.ws.send(data, TEXT_FRAME, this.#onWritten);
  }

  #waitForDrain(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#drainWaiter = undefined;
        this.close(CLOSE.slowConsumer, `slow consumer: socket did not drain within ${this.deps.limits.maxStallMs} ms`);
        resolve();
      }, this.deps.limits.maxStallMs);
      this.#drainWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #wakeDrainWaiter(): void {
    const wake = this.#drainWaiter;
    this.#drainWaiter = undefined;
    wake?.();
  }
}

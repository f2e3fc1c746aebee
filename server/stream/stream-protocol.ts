// The /v1/stream wire protocol: what a client may send (validated strictly), what the server sends, and the close
// codes. Pure: no sockets here.
import type { ContractEvent } from '../../contracts/types.js';
import { StrictJsonError, parseStrictJson } from '../../ledger/encoding/strict-json.js';
import { CHANNELS, isChannel, type Channel } from './channels.js';
import type { LiveReading } from './telemetry-feed.js';

/** RFC 6455 §7.4.1 codes, and private-use 4000–4999 codes of our own. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001, // server shutting down
  unsupportedData: 1003, // a binary message
  invalidPayload: 1007, // a text message that is not JSON
  policy: 1008, // a JSON message that breaks the protocol
  tooBig: 1009, // sent by ws itself above maxPayload
  internal: 1011,
  tokenInvalid: 4001, // the token expired or was revoked while connected
  slowConsumer: 4008, // the client does not read fast enough
} as const;

export interface SubscribeMessage {
  readonly op: 'subscribe';
  readonly channels: readonly Channel[];
  /** Replay stored events with index ≥ since before going live. */
  readonly since?: number;
}

export type ServerMessage =
  | { readonly type: 'subscribed'; readonly channels: readonly Channel[]; readonly since: number | null; readonly size: number }
  | { readonly type: 'event'; readonly channel: Channel; readonly index: number; readonly seq: number; readonly event: ContractEvent }
  | { readonly type: 'caught-up'; readonly next: number }
  | { readonly type: 'checkpoint'; readonly channel: 'ledger'; readonly size: number; readonly note: string }
  | { readonly type: 'reading'; readonly channel: 'telemetry'; readonly reading: LiveReading }
  | { readonly type: 'error'; readonly code: StreamErrorCode; readonly message: string };

export type StreamErrorCode =
  | 'MESSAGE_BINARY'
  | 'MESSAGE_MALFORMED'
  | 'MESSAGE_INVALID'
  | 'ALREADY_SUBSCRIBED'
  | 'SINCE_OUT_OF_RANGE'
  | 'REPLAY_FAILED';

/** A protocol violation: the error message to send, then the close code. */
export class StreamProtocolError extends Error {
  constructor(
    readonly code: StreamErrorCode,
    message: string,
    readonly closeCode: number,
  ) {
    super(message);
    this.name = 'StreamProtocolError';
  }
}

function invalid(message: string): StreamProtocolError {
  return new StreamProtocolError('MESSAGE_INVALID', message, CLOSE.policy);
}

/** A ledger index as JSON: a non-negative safe integer. */
export function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Parse one text message from a client; throws StreamProtocolError naming what is wrong. */
export function parseClientMessage(text: string): SubscribeMessage {
  let value: unknown;
  try {
    value = parseStrictJson(text, { maxDepth: 4 });
  } catch (e) {
    // Duplicate keys and deep nesting are valid JSON that we refuse (policy); anything else is not JSON at all.
    if (e instanceof StrictJsonError && e.code !== 'JSON_MALFORMED') throw invalid(e.message);
    throw new StreamProtocolError('MESSAGE_MALFORMED', `message is not valid JSON: ${(e as Error).message}`, CLOSE.invalidPayload);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('message must be a JSON object');
  const msg = value as Record<string, unknown>;
  if (msg['op'] !== 'subscribe') throw invalid(`op must be "subscribe"`);
  for (const key of Object.keys(msg)) {
    if (key !== 'op' && key !== 'channels' && key !== 'since') throw invalid(`unknown field "${key}"`);
  }
  const channels = msg['channels'];
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > CHANNELS.length) {
    throw invalid(`channels must be a non-empty array of ${CHANNELS.join(', ')}`);
  }
  for (const c of channels) if (!isChannel(c)) throw invalid(`unknown channel ${JSON.stringify(c)}; expected one of ${CHANNELS.join(', ')}`);
  if (new Set(channels).size !== channels.length) throw invalid('channels must not repeat');
  const since = msg['since'];
  if (since !== undefined && !isIndex(since)) throw invalid('since must be a non-negative integer ledger index');
  return since === undefined ? { op: 'subscribe', channels: channels as Channel[] } : { op: 'subscribe', channels: channels as Channel[], since };
}

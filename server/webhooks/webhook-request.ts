// Strict validation of webhook requests: a registration {url, channels, since?} and a replay {since}. Pure.
import { CHANNELS, isChannel, type Channel } from '../stream/channels.js';
import { HttpProblem } from '../http/problem.js';

export interface Registration {
  readonly url: string;
  readonly channels: readonly Channel[];
  readonly since?: number;
}

const MAX_URL_LENGTH = 2048;

function invalid(message: string, field: string): HttpProblem {
  return new HttpProblem('WEBHOOK_INVALID', message, field);
}

function asObject(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object', '/');
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw invalid(`unknown field '${key}'`, `/${key}`);
  return body as Record<string, unknown>;
}

function since(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid('since must be a non-negative integer ledger index', '/since');
  return value;
}

/** A URL deliveries may be sent to: absolute http(s), no credentials, no fragment. */
export function checkWebhookUrl(value: unknown): URL {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) {
    throw invalid(`url must be a string of 1–${MAX_URL_LENGTH} characters`, '/url');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('url is not an absolute URL', '/url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url must be http or https', '/url');
  if (url.username !== '' || url.password !== '') throw invalid('url must not carry credentials', '/url');
  if (url.hash !== '' || value.includes('#')) throw invalid('url must not have a fragment', '/url');
  return url;
}

export function parseRegistration(body: unknown): Registration {
  const o = asObject(body, ['url', 'channels', 'since']);
  const url = checkWebhookUrl(o['url']).href;
  const channels = o['channels'];
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > CHANNELS.length) {
    throw invalid(`channels must be a non-empty array of ${CHANNELS.join(', ')}`, '/channels');
  }
  channels.forEach((c, i) => {
    if (!isChannel(c)) throw invalid(`unknown channel ${JSON.stringify(c)}; expected one of ${CHANNELS.join(', ')}`, `/channels/${i}`);
  });
  if (new Set(channels).size !== channels.length) throw invalid('channels must not repeat', '/channels');
  const from = since(o['since']);
  return { url, channels: channels as Channel[], ...(from === undefined ? {} : { since: from }) };
}

export function parseReplay(body: unknown): { since: number } {
  const o = asObject(body, ['since']);
  const from = since(o['since']);
  if (from === undefined) throw invalid("missing field 'since'", '/since');
  return { since: from };
}

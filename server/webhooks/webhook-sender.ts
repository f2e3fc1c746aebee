// The one place a webhook delivery touches the network: an HTTP POST with a timeout, no redirects followed (a 3xx is
// a failure, so a registered URL cannot bounce deliveries elsewhere), and the answer body discarded unread. Before
// every attempt the target is checked again by the URL policy and the connection goes to the address that was just
// checked (the `lookup` hook pins it; TLS still verifies the certificate against the host name), so DNS rebinding
// between registration and delivery cannot reach an internal address.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { UrlPolicy } from './url-policy.js';

export interface PostResult {
  /** A 2xx answer. */
  readonly ok: boolean;
  readonly status?: number;
  /** What went wrong, for the delivery log. */
  readonly error?: string;
  /** The receiver's Retry-After, in ms, when it sent one in seconds. */
  readonly retryAfterMs?: number;
}

export type PostFn = (url: string, body: Uint8Array, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<PostResult>;

function describe(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return reason?.name === 'TimeoutError' ? 'timed out' : 'aborted';
  }
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  return err?.code ?? err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

/** A `lookup` that answers the one address already checked, whatever it is asked. */
function pinned(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

function answer(res: IncomingMessage): PostResult {
  res.resume();
  const status = res.statusCode ?? 0;
  const retryAfter = res.headers['retry-after'];
  const retryAfterMs = typeof retryAfter === 'string' && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  if (status >= 200 && status < 300) return { ok: true, status };
  return { ok: false, status, error: `HTTP ${status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** POST to `url` after checking it with `policy`, connected to the checked address. `signal` carries the timeout. */
export function guardedPost(policy: UrlPolicy): PostFn {
  return async (url, body, headers, signal) => {
    const target = new URL(url);
    const verdict = await policy.check(target);
    if (!verdict.ok) return { ok: false, error: `refused by the URL policy: ${verdict.reason}`.slice(0, 200) };
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<PostResult>((resolve) => {
      const req = request(target, {
        method: 'POST', signal, lookup: pinned(verdict.address, verdict.family),
        headers: { ...headers, 'content-length': String(body.byteLength) },
      }, (res) => resolve(answer(res)));
      req.on('error', (e) => resolve({ ok: false, error: describe(e, signal).slice(0, 200) }));
      req.end(body);
    });
  };
}

// The one place a webhook delivery touches the network: an HTTP POST with a timeout, no redirects followed (a 3xx is
// a failure, so a registered URL cannot bounce deliveries elsewhere), and the answer body discarded unread.

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

function describe(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'timed out';
  if (err?.name === 'AbortError') return 'aborted';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

/** POST with fetch (undici). `signal` carries both the timeout and cancellation. */
export const httpPost: PostFn = async (url, body, headers, signal) => {
  try {
    const res = await fetch(url, { method: 'POST', headers: { ...headers }, body: new Uint8Array(body), redirect: 'manual', signal });
    await res.body?.cancel().catch(() => {});
    const retryAfter = res.headers.get('retry-after');
    const retryAfterMs = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: `HTTP ${res.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (e) {
    return { ok: false, error: describe(e).slice(0, 200) };
  }
};

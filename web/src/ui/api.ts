// Calls to the registry's REST API from the same origin. Errors carry the HTTP status and the RFC 9457 problem's
// stable `code`, so pages can tell "not found" from "not signed in" from "server unreachable" (status 0).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request(path: string, token: string | undefined, accept: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', `the registry could not be reached (${(e as Error).message})`);
  }
  if (res.ok) return res;
  let code = `HTTP_${res.status}`;
  let detail = res.statusText;
  try {
    const problem = (await res.json()) as { code?: unknown; detail?: unknown; title?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
    else if (typeof problem.title === 'string') detail = problem.title;
  } catch {
    // not problem+json: keep the status line
  }
  throw new ApiError(res.status, code, detail);
}

export async function getJson(path: string, token?: string): Promise<unknown> {
  return (await request(path, token, 'application/json')).json();
}

export async function getText(path: string, token?: string): Promise<string> {
  return (await request(path, token, 'text/plain')).text();
}

export async function getBlob(path: string, token?: string): Promise<Blob> {
  return (await request(path, token, '*/*')).blob();
}

/** A JSON GET that answers undefined for 404 (absent, or not visible to the caller). */
export async function getOptional(path: string, token?: string): Promise<unknown> {
  try {
    return await getJson(path, token);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** `{items, next}` pages followed to the end (at most `maxPages`). */
export async function getAllItems<T>(path: string, token: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const body = (await getJson(after === undefined ? path : `${path}${sep}after=${encodeURIComponent(after)}`, token)) as { items?: T[]; next?: string };
    out.push(...(body.items ?? []));
    if (body.next === undefined) break;
    after = body.next;
  }
  return out;
}

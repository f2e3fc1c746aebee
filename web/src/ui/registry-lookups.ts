// The look-ups a verification needs, answered by this registry's public endpoints: party key histories
// (`GET /v1/parties/{id}`) and consistency proofs (`GET /v1/ledger/proof/consistency`). What they answer is
// untrusted input to the checks; a refusal (4xx) is an answer ("cannot prove"), an unreachable server is an error.
import type { ConsistencyLookup } from '../verify/consistency-check.js';
import type { KeyHistoryLookup, KeyPeriod } from '../verify/signature-check.js';
import { ApiError, getJson, getOptional } from './api.js';

function isPeriod(v: unknown): v is KeyPeriod {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return typeof p['publicKey'] === 'string' && Number.isSafeInteger(p['from']) && (p['until'] === undefined || Number.isSafeInteger(p['until']));
}

export interface PartySummary {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

export class RegistryLookups {
  readonly #parties = new Map<string, Promise<Record<string, unknown> | undefined>>();

  party(id: string): Promise<Record<string, unknown> | undefined> {
    let p = this.#parties.get(id);
    if (p === undefined) {
      p = getOptional(`/v1/parties/${encodeURIComponent(id)}`) as Promise<Record<string, unknown> | undefined>;
      this.#parties.set(id, p);
    }
    return p;
  }

  /** Display name and role from the public directory; the id itself when the party is unknown. */
  async summary(id: string): Promise<PartySummary> {
    const p = await this.party(id).catch(() => undefined);
    return { id, name: typeof p?.['name'] === 'string' ? p['name'] : id, role: typeof p?.['role'] === 'string' ? p['role'] : '' };
  }

  readonly keyHistory: KeyHistoryLookup = async (id) => {
    const p = await this.party(id);
    const history = p?.['keyHistory'];
    return Array.isArray(history) ? history.filter(isPeriod) : undefined;
  };

  readonly consistency: ConsistencyLookup = async (first, second) => {
    try {
      const body = (await getJson(`/v1/ledger/proof/consistency?first=${first}&second=${second}`)) as { proof?: unknown };
      return Array.isArray(body.proof) && body.proof.every((h) => typeof h === 'string') ? (body.proof as string[]) : undefined;
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) return undefined;
      throw e;
    }
  };
}

// The webhook endpoints, as an express Router mounted at the app's root:
//   GET    /v1/webhooks/key                  the node's webhook verification key (public)
//   POST   /v1/webhooks                      register {url, channels, since?}            → 201 webhook
//   GET    /v1/webhooks                      the caller's webhooks                       → {webhooks: [...]}
//   GET    /v1/webhooks/:id                  one of them                                 → webhook
//   DELETE /v1/webhooks/:id                  remove it and its delivery log              → 204
//   GET    /v1/webhooks/:id/deliveries       the delivery log, newest first (?limit, ?before)
//   POST   /v1/webhooks/:id/replay           {since}: re-deliver from that ledger index (resumes a paused webhook)
// A token is required (except for /key). A webhook belongs to the party that registered it; another party's webhook
// answers 404, as if it did not exist.
import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Clock } from '../../ledger/clock.js';
import { DOMAIN } from '../../ledger/crypto/domain.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { LedgerError } from '../../ledger/errors.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { requirePrincipal } from '../auth/authenticate.js';
import { strictJsonBody } from '../http/json-body.js';
import { HttpProblem } from '../http/problem.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import { parseRegistration, parseReplay } from './webhook-request.js';
import { UrlPolicy } from './url-policy.js';
import type { WebhookRecord, WebhookStore } from './webhook-store.js';

export interface WebhookRouterDeps {
  readonly store: WebhookStore;
  readonly ledger: LedgerStore;
  readonly dispatcher: WebhookDispatcher;
  readonly clock: Clock;
  /** The node's webhook key: its name (the header's keyid) and public key. */
  readonly verificationKey: { readonly name: string; readonly publicKey: Uint8Array };
  /** Most webhooks one party may register. Default 20. */
  readonly maxPerParty?: number;
  /**
   * Deployment policy for target URLs (SSRF, see url-policy.ts): resolves to a reason to refuse, or undefined.
   * Default: the strict UrlPolicy (https, public addresses only).
   */
  readonly checkUrl?: (url: URL) => Promise<string | undefined> | string | undefined;
  /** Default `wh_` + 20 random hex digits. */
  readonly newId?: () => string;
}

const BODY_LIMIT = 16 * 1024;
const ID = /^wh_[0-9a-f]{20}$/;

/** What the API shows of a webhook (the owner is the caller). */
export function webhookView(w: WebhookRecord) {
  return {
    id: w.id, url: w.url, channels: w.channels, status: w.status,
    ...(w.pausedReason === undefined ? {} : { pausedReason: w.pausedReason }),
    cursor: w.cursor, createdAt: w.createdAt, updatedAt: w.updatedAt,
  };
}

function queryInt(req: Request, name: string, min: number, max: number, fallback: number): number {
  const v = req.query[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new HttpProblem('QUERY_INVALID', `query parameter '${name}' must be an integer from ${min} to ${max}`, name);
  }
  return Number(v);
}

function onlyQuery(req: Request, names: readonly string[]): void {
  for (const name of Object.keys(req.query)) {
    if (!names.includes(name)) throw new HttpProblem('QUERY_INVALID', `unknown query parameter '${name}'`, name);
  }
}

export function webhookRouter(deps: WebhookRouterDeps): Router {
  const router = Router();
  const maxPerParty = deps.maxPerParty ?? 20;
  const checkUrl = deps.checkUrl ?? ((url: URL) => new UrlPolicy().refusal(url));
  const newId = deps.newId ?? (() => `wh_${randomBytes(10).toString('hex')}`);
  const now = () => new Date(deps.clock.now()).toISOString();

  async function logSize(): Promise<number> {
    return (await deps.ledger.latestCheckpoint())?.size ?? 0;
  }

  /** The caller's webhook `:id`, or 404. */
  async function own(req: Request, res: Response): Promise<WebhookRecord> {
    const principal = requirePrincipal(res);
    const id = String(req.params['id']);
    const hook = ID.test(id) ? await deps.store.get(id) : undefined;
    if (hook === undefined || hook.owner !== principal.partyId) throw new HttpProblem('NOT_FOUND', `no webhook ${id}`);
    return hook;
  }

  router.get('/v1/webhooks/key', (req, res) => {
    onlyQuery(req, []);
    res.json({
      keyId: deps.verificationKey.name, algorithm: 'Ed25519', publicKey: toBase64(deps.verificationKey.publicKey), domain: DOMAIN.webhook,
    });
  });

  // The token is checked before the body is read: an anonymous caller learns nothing from body errors.
  const authenticated = (_req: Request, res: Response, next: NextFunction): void => {
    requirePrincipal(res);
    next();
  };

  router.post('/v1/webhooks', authenticated, ...strictJsonBody(BODY_LIMIT), async (req, res) => {
    const principal = requirePrincipal(res);
    const reg = parseRegistration(req.body);
    const refusal = await checkUrl(new URL(reg.url));
    if (refusal !== undefined) throw new HttpProblem('WEBHOOK_URL_FORBIDDEN', `url refused: ${refusal}`, '/url');
    const size = await logSize();
    if (reg.since !== undefined && reg.since > size) throw new LedgerError('INDEX_OUT_OF_RANGE', `since ${reg.since} is beyond the log size ${size}`, '/since');
    if ((await deps.store.list(principal.partyId)).length >= maxPerParty) {
      throw new HttpProblem('WEBHOOK_LIMIT', `a party may register at most ${maxPerParty} webhooks`);
    }
    const at = now();
    const hook: WebhookRecord = {
      id: newId(), owner: principal.partyId, url: reg.url, channels: reg.channels, status: 'active',
      cursor: { index: reg.since ?? size, seq: 0 }, createdAt: at, updatedAt: at,
    };
    await deps.store.create(hook);
    deps.dispatcher.added(hook);
    res.status(201).location(`/v1/webhooks/${hook.id}`).json(webhookView(hook));
  });

  router.get('/v1/webhooks', async (req, res) => {
    onlyQuery(req, []);
    const principal = requirePrincipal(res);
    res.json({ webhooks: (await deps.store.list(principal.partyId)).map(webhookView) });
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    onlyQuery(req, []);
    res.json(webhookView(await own(req, res)));
  });

  router.delete('/v1/webhooks/:id', async (req, res) => {
    onlyQuery(req, []);
    const hook = await own(req, res);
    await deps.dispatcher.remove(hook.id);
    res.status(204).end();
  });

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    onlyQuery(req, ['limit', 'before']);
    const hook = await own(req, res);
    const limit = queryInt(req, 'limit', 1, 500, 100);
    const before = req.query['before'];
    if (before !== undefined && (typeof before !== 'string' || !/^dl_\d{12}$/.test(before))) {
      throw new HttpProblem('QUERY_INVALID', "query parameter 'before' must be a delivery id", 'before');
    }
    const deliveries = await deps.store.deliveries(hook.id, { limit, ...(before === undefined ? {} : { before }) });
    res.json({ deliveries });
  });

  router.post('/v1/webhooks/:id/replay', authenticated, ...strictJsonBody(BODY_LIMIT), async (req, res) => {
    const hook = await own(req, res);
    const { since } = parseReplay(req.body);
    const size = await logSize();
    if (since > size) throw new LedgerError('INDEX_OUT_OF_RANGE', `since ${since} is beyond the log size ${size}`, '/since');
    const updated = await deps.dispatcher.replay(hook.id, since);
    if (updated === undefined) throw new HttpProblem('NOT_FOUND', `no webhook ${hook.id}`);
    res.status(202).json(webhookView(updated));
  });

  return router;
}

// Webhooks assembled: the dispatcher (workers that follow the ledger and deliver) and the router (registration,
// listing, delivery log, replay). The composition root creates this once, mounts `router`, awaits `start()` after
// the ledger is open, and awaits `close()` before closing the database.
import type { Router } from 'express';
import type { RouteDoc } from '../http/api-route.js';
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import { publicKeyFromSeed } from '../../ledger/crypto/ed25519.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { AccessControl } from '../access/access-control.js';
import type { CommitSource } from '../stream/attach-stream.js';
import type { RetryPolicy } from './backoff.js';
import type { WebhookSigningKey } from './sign-webhook.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WEBHOOK_ROUTE_DOCS } from './webhook-route-docs.js';
import { webhookRouter } from './webhook-routes.js';
import { UrlPolicy } from './url-policy.js';
import type { PostFn } from './webhook-sender.js';
import type { WebhookLeases } from './webhook-leases.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhooksDeps {
  readonly store: WebhookStore;
  readonly ledger: LedgerStore;
  readonly commits: CommitSource;
  /** Set when several API instances share the store (PostgreSQL): each webhook is delivered by its lease holder. */
  readonly leases?: WebhookLeases;
  readonly clock: Clock;
  /** The node's webhook key (NodeKeys.webhook): name and seed. */
  readonly key: WebhookSigningKey;
  readonly access?: AccessControl;
  readonly logger?: Logger;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
  readonly maxPerParty?: number;
  /** Where webhooks may point, at registration and again at each delivery. Default: https to public addresses only. */
  readonly urlPolicy?: UrlPolicy;
  readonly post?: PostFn;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface Webhooks {
  readonly router: Router;
  /** The router's /v1 routes described for the OpenAPI document (AppDeps.documentedRoutes). */
  readonly routes: readonly RouteDoc[];
  readonly dispatcher: WebhookDispatcher;
  /** Resume every stored webhook from its cursor and follow new commits. */
  start(): Promise<void>;
  /** Stop the workers (in-flight attempts are aborted; they are retried on the next start). */
  close(): Promise<void>;
}

export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const access = deps.access ?? new AccessControl(deps.ledger);
  const urlPolicy = deps.urlPolicy ?? new UrlPolicy();
  const dispatcher = new WebhookDispatcher({ ...deps, access, urlPolicy });
  const router = webhookRouter({
    store: deps.store, ledger: deps.ledger, dispatcher, clock: deps.clock,
    verificationKey: { name: deps.key.name, publicKey: publicKeyFromSeed(deps.key.seed) },
    ...(deps.maxPerParty === undefined ? {} : { maxPerParty: deps.maxPerParty }),
    checkUrl: (url) => urlPolicy.refusal(url),
  });
  return { router, routes: WEBHOOK_ROUTE_DOCS, dispatcher, start: () => dispatcher.start(), close: () => dispatcher.close() };
}

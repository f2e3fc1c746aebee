// Webhooks assembled: the dispatcher (workers that follow the ledger and deliver) and the router (registration,
// listing, delivery log, replay). The composition root creates this once, mounts `router`, awaits `start()` after
// the ledger is open, and awaits `close()` before closing the database.
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import { publicKeyFromSeed } from '../../ledger/crypto/ed25519.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { AccessControl } from '../access/access-control.js';
import type { CommitSource } from '../stream/attach-stream.js';
import type { RetryPolicy } from './backoff.js';
import type { WebhookSigningKey } from './sign-webhook.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { webhookRouter } from './webhook-routes.js';
import type { PostFn } from './webhook-sender.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhooksDeps {
  readonly store: WebhookStore;
  readonly ledger: LedgerStore;
  readonly commits: CommitSource;
  readonly clock: Clock;
  /** The node's webhook key (NodeKeys.webhook): name and seed. */
  readonly key: WebhookSigningKey;
  readonly access?: AccessControl;
  readonly logger?: Logger;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
  readonly maxPerParty?: number;
  readonly checkUrl?: (url: URL) => string | undefined;
  readonly post?: PostFn;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface Webhooks {
  readonly router: Router;
  readonly dispatcher: WebhookDispatcher;
  /** Resume every stored webhook from its cursor and follow new commits. */
  start(): Promise<void>;
  /** Stop the workers (in-flight attempts are aborted; they are retried on the next start). */
  close(): Promise<void>;
}

export function createWebhooks(deps: WebhooksDeps): Webhooks {
  const access = deps.access ?? new AccessControl(deps.ledger);
  const dispatcher = new WebhookDispatcher({ ...deps, access });
  const router = webhookRouter({
    store: deps.store, ledger: deps.ledger, dispatcher, clock: deps.clock,
    verificationKey: { name: deps.key.name, publicKey: publicKeyFromSeed(deps.key.seed) },
    ...(deps.maxPerParty === undefined ? {} : { maxPerParty: deps.maxPerParty }),
    ...(deps.checkUrl === undefined ? {} : { checkUrl: deps.checkUrl }),
  });
  return { router, dispatcher, start: () => dispatcher.start(), close: () => dispatcher.close() };
}

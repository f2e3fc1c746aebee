// Where an instance's WebSocket stream and webhooks get their commits and webhook state. With the ledger in
// PostgreSQL, instances are stateless: they follow the shared log (PgFollower) rather than their own pipeline, so
// every instance fans out every commit whoever made it, and webhooks live in PostgreSQL with per-webhook leases so
// each is delivered by one instance. With SQLite, one node does everything: the local pipeline and SQLite.
import type { Logger } from 'pino';
import type { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { PgFollower } from '../../ledger/store/pg/pg-follower.js';
import { PgLedgerStore } from '../../ledger/store/pg/pg-ledger-store.js';
import type { SqliteDatabase } from '../../ledger/store/sqlite-database.js';
import type { CommitSource } from '../stream/attach-stream.js';
import { FollowerCommitSource } from '../stream/follower-commits.js';
import { PgWebhookStore } from '../webhooks/pg-webhook-store.js';
import { SqliteWebhookStore } from '../webhooks/sqlite-webhook-store.js';
import type { WebhookLeases } from '../webhooks/webhook-leases.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';

export interface Webhooks {
  readonly webhookStore: WebhookStore;
  /** Present when instances share the webhook store. */
  readonly leases: WebhookLeases | undefined;
}

/** Where this instance's commits come from: the local pipeline (SQLite), or the shared log followed (PostgreSQL). */
export interface Commits {
  readonly commits: CommitSource;
  /** Stop following (after everything listening to it closed). */
  close(): Promise<void>;
}

/**
 * With the ledger in PostgreSQL, follow the shared log from its current end: every commit, whichever instance made
 * it (the gateway's device directory and covenant monitor need registrations and pledges committed elsewhere as much
 * as the stream and webhooks do). Start it before reading initial state, so nothing committed meanwhile is missed.
 */
export async function openCommits(
  store: LedgerStore,
  pipeline: CommitPipeline,
  opts: {
    readonly logger: Logger;
    /** PgFollower poll period (ms); it also LISTENs, so polling only bounds the delay after a lost notification. */
    readonly pollMs?: number;
  },
): Promise<Commits> {
  if (!(store instanceof PgLedgerStore)) return { commits: pipeline, close: async () => {} };
  const follower = new PgFollower(store, {
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    onError: (err) => opts.logger.warn({ err }, 'follower: reading the log failed; retrying'),
  });
  const commits = await FollowerCommitSource.start(store, follower);
  return {
    commits,
    async close() {
      await commits.close();
      await follower.close();
    },
  };
}

/** Webhook state: shared with per-webhook leases in PostgreSQL, local in SQLite. */
export async function openWebhookState(store: LedgerStore, db: SqliteDatabase, opts: { readonly webhookLeaseMs: number }): Promise<Webhooks> {
  if (!(store instanceof PgLedgerStore)) return { webhookStore: new SqliteWebhookStore(db), leases: undefined };
  const webhookStore = await PgWebhookStore.open(store.pool, { leaseMs: opts.webhookLeaseMs });
  return { webhookStore, leases: webhookStore };
}

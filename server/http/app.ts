// The HTTP application: request ids, authentication, routes, and problem+json for every error (Express 5's
// default handler would answer HTML with a stack trace).
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerEntry } from '../../ledger/entry/entry.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { authenticate, principalOf } from '../auth/authenticate.js';
import type { TokenStore } from '../auth/token-store.js';
import { AccessControl } from '../access/access-control.js';
import { strictJsonBody } from './json-body.js';
import { ledgerRoutes } from './ledger-routes.js';
import { HttpProblem, classify, sendProblem } from './problem.js';

export interface AppDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly pipeline: CommitPipeline;
  readonly tokens: TokenStore;
  readonly clock: Clock;
  readonly verifierKey: string;
  readonly origin: string;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const access = new AccessControl(deps.store);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const id = typeof req.headers['x-request-id'] === 'string' && /^[\w.-]{1,64}$/.test(req.headers['x-request-id'])
      ? req.headers['x-request-id'] : randomUUID();
    res.setHeader('x-request-id', id);
    next();
  });
  app.use(authenticate(deps.tokens, deps.store, deps.clock));

  app.get('/v1/health', async (_req, res) => {
    const cp = await deps.store.latestCheckpoint();
    res.json({ status: 'ok', origin: deps.origin, size: cp?.size ?? 0, queueDepth: deps.pipeline.queueDepth });
  });

  app.use('/v1/ledger', ledgerRoutes({
    store: deps.store,
    reader: deps.reader,
    verifierKey: deps.verifierKey,
    canReadEntry: async (req: Request, entry: LedgerEntry) => {
      const p = principalOf(req.res!);
      return p !== undefined && access.canSeeEntry(p, entry);
    },
  }));

  app.post('/v1/transactions', ...strictJsonBody(128 * 1024), async (req, res) => {
    const committed = await deps.pipeline.submit(req.body);
    res.status(committed.duplicate ? 200 : 201).json(committed);
  });

  app.use((req, _res, next) => next(new HttpProblem('NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { code } = classify(err);
    if (code === 'INTERNAL') deps.logger.error({ err, requestId: res.getHeader('x-request-id') }, 'unhandled error');
    sendProblem(req, res, err);
  });
  return app;
}

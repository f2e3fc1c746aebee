// The HTTP application: request ids, structured request logs, authentication, the API routes (declared once for
// OpenAPI and validation), metrics, and problem+json for every error (Express 5's default handler would answer HTML
// with a stack trace).
import { randomUUID } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { TX_TYPES, txBodySchema } from '../../contracts/index.js';
import type { Clock } from '../../ledger/clock.js';
import type { LedgerEntry } from '../../ledger/entry/entry.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { CommitPipeline } from '../../ledger/pipeline/commit-pipeline.js';
import { SIGNED_TX_SCHEMA } from '../../ledger/pipeline/envelope.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import { AccessControl } from '../access/access-control.js';
import { authenticate, principalOf } from '../auth/authenticate.js';
import type { TokenStore } from '../auth/token-store.js';
import { apiReferenceHtml } from './api-docs.js';
import { mount, openApiDocument, type ApiRoute, type RouteDoc } from './api-route.js';
import { strictJsonBody } from './json-body.js';
import { ledgerRoutes } from './ledger-routes.js';
import type { Metrics } from './metrics.js';
import { HttpProblem, classify, sendProblem } from './problem.js';
import { resourceRoutes } from './resource-routes.js';
import { refusalRoute } from '../refusals/refusal-route.js';
import type { RefusalLog } from '../refusals/refusal-log.js';
import { txHash } from '../../ledger/tx/tx-hash.js';
import type { Tx } from '../../contracts/types.js';
import { pdfRoutes } from './pdf-routes.js';

export interface AppDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly pipeline: CommitPipeline;
  readonly tokens: TokenStore;
  /** How long a token that authenticated is remembered (authenticate.ts); 0 or absent: looked up on every request. */
  readonly tokenCacheMs?: number;
  readonly clock: Clock;
  readonly verifierKey: string;
  readonly origin: string;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Where refused submissions are recorded (GET /v1/refusals). */
  readonly refusals?: RefusalLog;
  /** Called before each /metrics scrape so gauges owned by other components are current. */
  readonly beforeScrape?: () => Promise<void> | void;
  /** Public base URL (QR codes in PDFs); defaults to each request's own origin. */
  readonly publicUrl?: string;
  /** Further routes from other components (collateral, telemetry, evidence, webhooks, PDFs). */
  readonly extraRoutes?: readonly ApiRoute[];
  /** Routers mounted as they are (e.g. webhooks), after the API routes. */
  readonly routers?: readonly Router[];
  /** Descriptions of the /v1 routes those routers serve, for the OpenAPI document. */
  readonly documentedRoutes?: readonly RouteDoc[];
}

export const MAX_TX_BODY_BYTES = 128 * 1024;

function coreRoutes(deps: AppDeps): ApiRoute[] {
  return [
    {
      method: 'get', path: '/v1/health', tag: 'operations', access: 'public', summary: 'Liveness and log size',
      responses: { 200: { description: 'ok' } },
      async handler(_req, res) {
        const cp = await deps.store.latestCheckpoint();
        res.json({ status: 'ok', origin: deps.origin, size: cp?.size ?? 0, queueDepth: deps.pipeline.queueDepth });
      },
    },
    {
      method: 'post', path: '/v1/transactions', tag: 'transactions', access: 'the signatures inside the transaction',
      summary: 'Submit a signed transaction; answers its committed index once it is in a signed checkpoint',
      body: SIGNED_TX_SCHEMA,
      responses: {
        201: { description: 'committed', schema: { type: 'object', properties: { index: { type: 'integer' }, txHash: { type: 'string' }, duplicate: { const: false }, checkpointSize: { type: 'integer' } } } },
        200: { description: 'the identical transaction was already committed (idempotent resubmission)' },
      },
      async handler(req, res) {
        const committed = await deps.pipeline.submit(req.body).catch(async (e: unknown) => {
          await recordRefusal(deps, req.body, e, res.getHeader('x-request-id'));
          throw e;
        });
        deps.metrics?.committedEntries.inc(committed.duplicate ? 0 : 1);
        res.status(committed.duplicate ? 200 : 201).json(committed);
      },
    },
  ];
}

/** The hash of a transaction that may not even be well-formed ('' when it cannot be hashed). */
function safeTxHash(tx: unknown): string {
  try {
    return txHash(tx as Tx);
  } catch {
    return '';
  }
}

/** Count, log and keep every refusal of a well-formed submission (not back-pressure: that is a retry, not a refusal). */
async function recordRefusal(deps: AppDeps, body: unknown, err: unknown, requestId: unknown): Promise<void> {
  const { code, detail } = classify(err);
  if (code === 'LOG_BUSY' || code === 'LOG_UNAVAILABLE' || code === 'INTERNAL') return;
  const tx = (body as { tx?: { type?: unknown } } | undefined)?.tx;
  const type = typeof tx?.type === 'string' ? tx.type.slice(0, 64) : 'malformed';
  const sigs = (body as { sigs?: unknown } | undefined)?.sigs;
  const signers = Array.isArray(sigs) ? sigs.map((s: { signer?: unknown }) => String(s?.signer ?? '')).slice(0, 8) : [];
  deps.metrics?.txRefused.inc({ type, code });
  deps.logger.warn({ requestId, code, type, signers }, 'transaction refused');
  if (deps.refusals === undefined || type === 'malformed') return;
  await deps.refusals.record({ at: new Date(deps.clock.now()).toISOString(), type, txHash: safeTxHash(tx), signers, code, detail });
}

/**
 * `res.json` for this app: JSON.stringify, then the status line, Content-Type (unless a route set one) and
 * Content-Length in one `end`. Express's own goes through `res.send`, which parses the Content-Type it has just set
 * to add a charset, checks request freshness and converts the text to a Buffer: about 60 µs of CPU per answer on a
 * 2-core VM (bench probe 2026-11-24, bare route, alternating, medians of 5), a sixth of what a bare express route
 * costs there. Like express: no body for HEAD, 204 and 304.
 */
function sendJson(this: Response, value: unknown): Response {
  const body = JSON.stringify(value) ?? ''; // undefined: an empty body, as express sends
  if (!this.hasHeader('content-type')) this.setHeader('content-type', 'application/json; charset=utf-8');
  const status = this.statusCode;
  if (status === 204 || status === 304) {
    this.removeHeader('content-type');
    this.end();
  } else {
    this.setHeader('content-length', Buffer.byteLength(body));
    if (this.req.method === 'HEAD') this.end();
    else this.end(body, 'utf8');
  }
  return this;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const access = new AccessControl(deps.store);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('etag', false); // answers are not cached by validators: no SHA-1 of every body
  app.response.json = sendJson;
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      deps.metrics?.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      // Never log headers: they carry bearer tokens.
      deps.logger.info({ requestId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 }, 'http');
    });
    next();
  });
  app.use(authenticate(deps.tokens, deps.store, deps.clock, { cacheMs: deps.tokenCacheMs ?? 0 }));
  app.post('/v1/transactions', ...strictJsonBody(MAX_TX_BODY_BYTES));

  const routes: ApiRoute[] = [
    ...coreRoutes(deps),
    ...ledgerRoutes({
      store: deps.store, reader: deps.reader, verifierKey: deps.verifierKey,
      canReadEntry: async (req: Request, entry: LedgerEntry) => {
        const p = principalOf(req.res!);
        return p !== undefined && access.canSeeEntry(p, entry);
      },
    }),
    ...resourceRoutes({ store: deps.store, reader: deps.reader, access }),
    ...pdfRoutes({ store: deps.store, reader: deps.reader, access, verifierKey: deps.verifierKey, ...(deps.publicUrl === undefined ? {} : { publicUrl: deps.publicUrl }) }),
    ...(deps.refusals === undefined ? [] : [refusalRoute(deps.refusals)]),
    ...(deps.extraRoutes ?? []),
  ];
  const txSchemas = Object.fromEntries(TX_TYPES.map((t) => [`tx:${t}`, txBodySchema(t)]));
  const openapi = openApiDocument([...routes, ...(deps.documentedRoutes ?? [])], { version: '1', schemas: { SignedTx: SIGNED_TX_SCHEMA, ...txSchemas } });
  const api = Router();
  mount(api, routes);
  app.use(api);
  for (const r of deps.routers ?? []) app.use(r);
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/v1/docs', (_req, res) => {
    res.type('text/html').send(apiReferenceHtml(openapi));
  });
  if (deps.metrics !== undefined) {
    const metrics = deps.metrics;
    app.get('/metrics', async (_req, res) => {
      metrics.queueDepth.set(deps.pipeline.queueDepth);
      metrics.logSize.set(deps.pipeline.size);
      await deps.beforeScrape?.();
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }

  app.use((req, _res, next) => next(new HttpProblem('NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { code } = classify(err);
    if (code === 'INTERNAL') deps.logger.error({ err, requestId: res.getHeader('x-request-id') }, 'unhandled error');
    sendProblem(req, res, err);
  });
  return app;
}

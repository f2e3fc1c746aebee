import assert from 'node:assert/strict';
import type express from 'express';
import { pino } from 'pino';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { LogReader } from '../../../ledger/log/log-reader.js';
import type { SqliteLedgerStore } from '../../../ledger/store/sqlite-ledger-store.js';
import { AccessControl } from '../../../server/access/access-control.js';
import { SqliteTokenStore } from '../../../server/auth/sqlite-token-store.js';
import { createApp } from '../../../server/http/app.js';
import { createMetrics } from '../../../server/http/metrics.js';
import { telemetryRoutes } from '../../../server/http/telemetry-routes.js';
import { SqliteRefusalLog } from '../../../server/refusals/refusal-log.js';
import { SqliteWebhookStore } from '../../../server/webhooks/sqlite-webhook-store.js';
import { createWebhooks, type Webhooks } from '../../../server/webhooks/webhooks.js';
import { openHarness, testKey, type LedgerHarness } from '../../support/ledger-harness.js';

interface Layer {
  readonly route?: { readonly path: string; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
}

/** Every "METHOD /path" an express app routes, nested routers included. */
function mounted(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route !== undefined) return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${layer.route!.path}`);
    return layer.handle?.stack === undefined ? [] : mounted(layer.handle.stack);
  });
}

/** Routes that are the document itself or a page made from it. */
const SELF = new Set(['GET /v1/openapi.json', 'GET /v1/docs']);

describe('server/http: the OpenAPI document covers every mounted route', () => {
  let h: LedgerHarness;
  let webhooks: Webhooks;
  let app: express.Express;
  before(async () => {
    h = await openHarness('sqlite');
    const db = (h.store as SqliteLedgerStore).db;
    webhooks = createWebhooks({ store: new SqliteWebhookStore(db), ledger: h.store, commits: h.pipeline, clock: h.clock, key: { name: 'webhook', seed: testKey('wh').seed } });
    app = createApp({
      store: h.store, reader: new LogReader(h.store), pipeline: h.pipeline, tokens: new SqliteTokenStore(db), clock: h.clock,
      verifierKey: h.signer.verifierKey, origin: 'test', logger: pino({ level: 'silent' }), metrics: createMetrics(),
      refusals: new SqliteRefusalLog(db),
      extraRoutes: telemetryRoutes({ store: h.store, telemetry: new SqliteTelemetryStore(db), access: new AccessControl(h.store), clock: h.clock }),
      routers: [webhooks.router], documentedRoutes: webhooks.routes,
    });
  });
  after(async () => {
    await webhooks.close();
    await h.close();
  });

  it('When the app is composed as the server composes it, then every /v1 route it mounts is in /v1/openapi.json', () => {
    const stack = (app as unknown as { router: { stack: readonly Layer[] } }).router.stack;
    const routes = [...new Set(mounted(stack))].filter((r) => r.split(' ')[1]!.startsWith('/v1/') && !SELF.has(r));
    const paths = openApiPaths(app);
    const missing = routes.filter((r) => {
      const [method, path] = r.split(' ') as [string, string];
      return paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()] === undefined;
    });
    assert.deepEqual(missing, []);
    for (const r of ['POST /v1/webhooks', 'GET /v1/webhooks/:id/deliveries', 'POST /v1/webhooks/:id/replay', 'GET /v1/pledges/:id/collateral']) {
      assert.ok(routes.includes(r), `${r} is mounted`);
    }
  });

  it('When the webhook routes are documented, then they carry their body and query schemas and the problem answer', () => {
    const paths = openApiPaths(app);
    const register = paths['/v1/webhooks']!['post'] as { requestBody: { content: Record<string, { schema: { required: string[] } }> }; responses: Record<string, unknown> };
    assert.deepEqual(register.requestBody.content['application/json']!.schema.required, ['url', 'channels']);
    assert.ok(register.responses['201'] !== undefined && register.responses['default'] !== undefined);
    const deliveries = paths['/v1/webhooks/{id}/deliveries']!['get'] as { parameters: { name: string; in: string }[] };
    assert.deepEqual(deliveries.parameters.map((p) => `${p.in}:${p.name}`), ['path:id', 'query:limit', 'query:before']);
    assert.deepEqual((paths['/v1/webhooks/key']!['get'] as { security?: unknown[] }).security, []);
  });
});

/** The document the app serves, read through the route handler (no network). */
function openApiPaths(app: express.Express): Record<string, Record<string, unknown>> {
  let body: { paths: Record<string, Record<string, unknown>> } | undefined;
  const stack = (app as unknown as { router: { stack: readonly (Layer & { route?: { path: string; stack: { handle: (req: unknown, res: unknown) => void }[] } })[] } }).router.stack;
  const layer = stack.find((l) => l.route?.path === '/v1/openapi.json')!;
  layer.route!.stack[0]!.handle({}, { json: (b: typeof body) => void (body = b) });
  return body!.paths;
}

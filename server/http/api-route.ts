// One declaration per API route feeds both the OpenAPI 3.1 document and request validation, so the published
// contract and what the server enforces cannot drift apart. Query parameters are validated with ajv (strings
// coerced to integers where the schema says so); unknown query parameters are refused.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { HttpProblem } from './problem.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'delete';
  /** Express path, e.g. `/v1/receipts/:id`; OpenAPI gets `{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** 'public', 'token' (any party), or a sentence describing object-level access. */
  readonly access: string;
  readonly query?: Readonly<Record<string, JsonSchema & { description: string }>>;
  readonly requiredQuery?: readonly string[];
  readonly body?: JsonSchema;
  readonly responses: Readonly<Record<string, { description: string; schema?: JsonSchema; contentType?: string }>>;
  readonly handler: (req: Request, res: Response) => Promise<void> | void;
}

/** A route's description without its handler: for routes served by a separate router (webhooks), so they are documented too. */
export type RouteDoc = Omit<ApiRoute, 'handler'>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ coerceTypes: true, allErrors: false, strict: false, useDefaults: true }));

function queryValidator(route: ApiRoute): ValidateFunction | undefined {
  if (route.query === undefined) return undefined;
  return ajv.compile({
    type: 'object',
    additionalProperties: false,
    properties: route.query,
    required: route.requiredQuery ?? [],
  });
}

/** The query of a request checked against its route (defaults applied, integers coerced), or the problem to answer. */
function checkQuery(route: ApiRoute, validate: ValidateFunction | undefined, req: Request): HttpProblem | undefined {
  const query = { ...(req.query as Record<string, unknown>) };
  // ajv's coercion is loose ("0x1" == 1); integers must be plain decimal digits.
  for (const [name, schema] of Object.entries(route.query ?? {})) {
    const v = query[name];
    if (schema['type'] === 'integer' && v !== undefined && (typeof v !== 'string' || !/^\d{1,16}$/.test(v))) {
      return new HttpProblem('QUERY_INVALID', `query parameter '${name}' must be a non-negative integer`, name);
    }
  }
  if (validate === undefined) {
    return Object.keys(query).length > 0 ? new HttpProblem('QUERY_INVALID', `this endpoint takes no query parameters`, Object.keys(query)[0]) : undefined;
  }
  if (!validate(query)) {
    const e = validate.errors?.[0];
    const name = e?.instancePath.replace(/^\//, '') || String(e?.params?.['additionalProperty'] ?? e?.params?.['missingProperty'] ?? '');
    return new HttpProblem('QUERY_INVALID', `query parameter '${name}' ${e?.message ?? 'is invalid'}`, name);
  }
  Object.defineProperty(req, 'query', { value: query, writable: true });
  return undefined;
}

export function mount(router: Router, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    const validate = queryValidator(route);
    // One handler per route (the check, then the route's own): each further express layer costs a dispatch step.
    const handle: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
      const problem = checkQuery(route, validate, req);
      if (problem !== undefined) return next(problem);
      await route.handler(req, res);
    };
    router[route.method](route.path, handle);
  }
}

const PROBLEM = { $ref: '#/components/schemas/Problem' };

/** The OpenAPI 3.1 document for the given routes. */
export function openApiDocument(routes: readonly RouteDoc[], extra: { version: string; schemas: Record<string, JsonSchema> }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = Object.entries(r.query ?? {}).map(([name, schema]) => ({
      name, in: 'query', required: (r.requiredQuery ?? []).includes(name), description: schema.description, schema,
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses)) {
      responses[status] = {
        description: resp.description,
        ...(resp.schema === undefined ? {} : { content: { [resp.contentType ?? 'application/json']: { schema: resp.schema } } }),
      };
    }
    responses['default'] = { description: 'RFC 9457 problem (see the error-code table)', content: { 'application/problem+json': { schema: PROBLEM } } };
    paths[path] = {
      ...paths[path],
      [r.method]: {
        summary: r.summary,
        description: `Access: ${r.access}.`,
        tags: [r.tag],
        parameters: [...pathParams, ...queryParams],
        ...(r.access === 'public' ? { security: [] } : {}),
        ...(r.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } }),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ledgerhouse API', version: extra.version, description: 'Electronic warehouse receipts and pledges on a verifiable log.' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token from `ledgerhouse token create`' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' },
            detail: { type: 'string' }, instance: { type: 'string' }, field: { type: 'string' }, requestId: { type: 'string' },
          },
        },
        ...extra.schemas,
      },
    },
    security: [{ bearer: [] }],
  };
}

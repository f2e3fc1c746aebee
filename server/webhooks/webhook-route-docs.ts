// The webhook endpoints (webhook-routes.ts) described for the OpenAPI document: the router stays separate (its body
// and token checks run in a fixed order), and these descriptions put it in /v1/openapi.json with schemas and errors.
// test/server/http/openapi-coverage.test.ts fails when a mounted /v1 route is missing here.
import type { JsonSchema, RouteDoc } from '../http/api-route.js';
import { CHANNELS } from '../stream/channels.js';

const CURSOR: JsonSchema = { type: 'object', required: ['index', 'seq'], properties: { index: { type: 'integer', minimum: 0 }, seq: { type: 'integer', minimum: 0 } } };

const WEBHOOK: JsonSchema = {
  type: 'object',
  required: ['id', 'url', 'channels', 'status', 'cursor', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', pattern: '^wh_[0-9a-f]{20}$' },
    url: { type: 'string', format: 'uri' },
    channels: { type: 'array', items: { enum: [...CHANNELS] } },
    status: { enum: ['active', 'paused'] },
    pausedReason: { type: 'string', description: 'Why deliveries stopped (the last error), until a replay resumes them' },
    cursor: { ...CURSOR, description: 'Next event to deliver: (ledger index, event sequence within the entry)' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const DELIVERY: JsonSchema = {
  type: 'object',
  required: ['id', 'webhook', 'index', 'seq', 'eventType', 'status', 'attempts', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', pattern: '^dl_\\d{12}$' }, webhook: { type: 'string' }, index: { type: 'integer' }, seq: { type: 'integer' },
    eventType: { type: 'string' }, status: { type: 'string' }, attempts: { type: 'integer' }, httpStatus: { type: 'integer' },
    lastError: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
};

const REGISTRATION: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'channels'],
  properties: {
    url: {
      type: 'string', format: 'uri', maxLength: 2048,
      description: 'https (http only where LH_WEBHOOK_ALLOW_HTTP is set), no credentials or fragment, not resolving to a loopback, private, '
        + 'link-local, CGNAT, unique-local, multicast or otherwise internal address unless LH_WEBHOOK_ALLOW_HOSTS permits it (WEBHOOK_URL_FORBIDDEN)',
    },
    channels: { type: 'array', minItems: 1, maxItems: CHANNELS.length, uniqueItems: true, items: { enum: [...CHANNELS] } },
    since: { type: 'integer', minimum: 0, description: 'First ledger index to deliver (default: the current log size)' },
  },
};

const REPLAY: JsonSchema = { type: 'object', additionalProperties: false, required: ['since'], properties: { since: { type: 'integer', minimum: 0 } } };

const OWN = "token; the webhook's owner only (another party's webhook answers 404)";
const TAG = 'webhooks';

export const WEBHOOK_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get', path: '/v1/webhooks/key', tag: TAG, access: 'public', summary: "The node's Ed25519 key that signs webhook bodies",
    responses: { 200: { description: 'verification key', schema: { type: 'object', properties: { keyId: { type: 'string' }, algorithm: { const: 'Ed25519' }, publicKey: { type: 'string' }, domain: { type: 'string' } } } } },
  },
  {
    method: 'post', path: '/v1/webhooks', tag: TAG, access: 'token (any party; at most LH_WEBHOOK_MAX_PER_PARTY webhooks each)',
    summary: 'Register a webhook: signed deliveries of the channels\' events the party may see, from `since`',
    body: REGISTRATION,
    responses: {
      201: { description: 'registered (WEBHOOK_INVALID, WEBHOOK_URL_FORBIDDEN, WEBHOOK_LIMIT, INDEX_OUT_OF_RANGE otherwise)', schema: WEBHOOK },
    },
  },
  {
    method: 'get', path: '/v1/webhooks', tag: TAG, access: 'token; only the caller\'s own webhooks', summary: "The caller's webhooks",
    responses: { 200: { description: 'webhooks', schema: { type: 'object', properties: { webhooks: { type: 'array', items: WEBHOOK } } } } },
  },
  { method: 'get', path: '/v1/webhooks/:id', tag: TAG, access: OWN, summary: 'One webhook', responses: { 200: { description: 'webhook', schema: WEBHOOK } } },
  { method: 'delete', path: '/v1/webhooks/:id', tag: TAG, access: OWN, summary: 'Remove a webhook and its delivery log', responses: { 204: { description: 'removed' } } },
  {
    method: 'get', path: '/v1/webhooks/:id/deliveries', tag: TAG, access: OWN, summary: 'The delivery log, newest first',
    query: {
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: 'Most deliveries to return' },
      before: { type: 'string', pattern: '^dl_\\d{12}$', description: 'Only deliveries older than this delivery id (paging)' },
    },
    responses: { 200: { description: 'deliveries', schema: { type: 'object', properties: { deliveries: { type: 'array', items: DELIVERY } } } } },
  },
  {
    method: 'post', path: '/v1/webhooks/:id/replay', tag: TAG, access: OWN, summary: 'Re-deliver from ledger index `since` (resumes a paused webhook)',
    body: REPLAY,
    responses: { 202: { description: 'cursor moved; deliveries resume from it', schema: WEBHOOK } },
  },
];

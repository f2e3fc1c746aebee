import { requirePrincipal } from '../auth/authenticate.js';
import type { ApiRoute } from '../http/api-route.js';
import type { RefusalLog } from './refusal-log.js';

const ALL_SEEING = new Set(['operator', 'regulator']);

export function refusalRoute(refusals: RefusalLog): ApiRoute {
  return {
    method: 'get', path: '/v1/refusals', tag: 'transactions',
    access: 'token; regulators and the operator see every refusal, other parties those naming them as a signer',
    summary: 'Refused transaction submissions (double pledges, over-issuing, forged signatures…), newest first',
    query: {
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: 'Page size' },
      before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Only refusals with a smaller id (pagination)' },
    },
    responses: { 200: { description: '{items:[{id, at, type, txHash, signers, code, detail}]}' } },
    async handler(req, res) {
      const p = requirePrincipal(res);
      const items = await refusals.list({
        limit: Number(req.query['limit'] ?? 100),
        ...(req.query['before'] === undefined ? {} : { before: Number(req.query['before']) }),
        ...(ALL_SEEING.has(p.role) ? {} : { party: p.partyId }),
      });
      res.json({ items });
    },
  };
}

// Receipts, pledges, alerts, parties and the public verifier. Every read is authorised at object level: an object
// the caller may not read answers 404 exactly like one that does not exist.
import type { Request, Response } from 'express';
import { isUnderLien, publicStatus } from '../../contracts/access.js';
import type { Receipt } from '../../contracts/state.js';
import type { Kind, StateObject } from '../../contracts/types.js';
import { toBase64, toHex } from '../../ledger/encoding/bytes.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { LedgerStore, StateRecord } from '../../ledger/store/ledger-store.js';
import type { AccessControl } from '../access/access-control.js';
import { requirePrincipal, type Principal } from '../auth/authenticate.js';
import type { ApiRoute } from './api-route.js';
import { HttpProblem } from './problem.js';

const ALL_SEEING = new Set(['operator', 'regulator']);
const ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$' } as const;
const LIST_QUERY = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: 'Page size (1–500, default 100)' },
  after: { ...ID, description: 'Return objects whose id sorts after this one (keyset pagination)' },
} as const;

export interface ResourceDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly access: AccessControl;
}

/** Candidate objects of `kind` that might concern the principal, before the per-object access check. */
async function candidates(deps: ResourceDeps, p: Principal, kind: Kind, after: string | undefined): Promise<StateRecord[]> {
  const page = { kind, limit: 2000, ...(after === undefined ? {} : { after }) };
  if (ALL_SEEING.has(p.role) || p.role === 'gateway') return deps.store.queryState(page);
  const direct = await deps.store.queryState({ ...page, ref: p.partyId });
  if (kind !== 'receipt' && kind !== 'alert') return direct;
  // A bank reaches receipts and alerts through its pledges; a pledgor through the pledges it granted.
  const pledges = await deps.store.queryState({ kind: 'pledge', ref: p.partyId, limit: 2000 });
  const extra = await Promise.all(pledges.map((pl) => deps.store.queryState({ kind, ref: pl.object.id, limit: 2000 })));
  const receiptIds = kind === 'receipt' ? pledges.flatMap((pl) => (pl.object as unknown as { receipts: string[] }).receipts) : [];
  const byId = new Map<string, StateRecord>();
  for (const r of [...direct, ...extra.flat()]) byId.set(r.object.id, r);
  const more = await deps.store.getState(receiptIds.map((id) => ({ kind, id })));
  for (const r of more.values()) byId.set(r.object.id, r);
  return [...byId.values()].filter((r) => after === undefined || r.object.id > after).sort((a, b) => (a.object.id < b.object.id ? -1 : 1));
}

async function list(deps: ResourceDeps, req: Request, res: Response, kind: Kind, filter: (o: Record<string, unknown>) => boolean): Promise<void> {
  const p = requirePrincipal(res);
  const limit = Number(req.query['limit'] ?? 100);
  const after = req.query['after'] as string | undefined;
  const out: StateObject[] = [];
  for (const r of await candidates(deps, p, kind, after)) {
    if (out.length >= limit) break;
    if (filter(r.object as unknown as Record<string, unknown>) && (await deps.access.canRead(p, r.object))) out.push(r.object);
  }
  const next = out.length === limit ? out[out.length - 1]!.id : undefined;
  res.json({ items: out, ...(next === undefined ? {} : { next }) });
}

async function one(deps: ResourceDeps, res: Response, kind: Kind, id: string): Promise<StateObject> {
  const object = await deps.access.readable(requirePrincipal(res), kind, id);
  if (object === undefined) throw new HttpProblem('NOT_FOUND', `no ${kind} '${id}' visible to you`);
  return object;
}

const eq = (field: string, value: unknown) => (o: Record<string, unknown>) => value === undefined || o[field] === value;
const both = (a: (o: Record<string, unknown>) => boolean, b: (o: Record<string, unknown>) => boolean) => (o: Record<string, unknown>) => a(o) && b(o);

export function resourceRoutes(deps: ResourceDeps): ApiRoute[] {
  const token = 'token; only objects the party may read (404 otherwise)';
  return [
    {
      method: 'get', path: '/v1/receipts', tag: 'receipts', access: token, summary: 'Receipts visible to the caller',
      query: {
        ...LIST_QUERY,
        status: { type: 'string', enum: ['active', 'pledged', 'redeemed', 'inoperative'], description: 'Only receipts in this status' },
        holder: { ...ID, description: 'Only receipts held by this party' },
        warehouse: { ...ID, description: 'Only receipts issued by this warehouse' },
      },
      responses: { 200: { description: 'a page of receipts' } },
      handler: (req, res) => list(deps, req, res, 'receipt', both(eq('status', req.query['status']), both(eq('holder', req.query['holder']), eq('warehouse', req.query['warehouse'])))),
    },
    {
      method: 'get', path: '/v1/receipts/:id', tag: 'receipts', access: token, summary: 'One receipt',
      responses: { 200: { description: 'the receipt' } },
      async handler(req, res) {
        res.json(await one(deps, res, 'receipt', String(req.params['id'])));
      },
    },
    {
      method: 'get', path: '/v1/receipts/:id/history', tag: 'receipts', access: token,
      summary: 'Every ledger event about the receipt (issue, endorsements, liens, alerts) and its lineage',
      responses: { 200: { description: 'history and lineage' } },
      async handler(req, res) {
        const receipt = (await one(deps, res, 'receipt', String(req.params['id']))) as unknown as Receipt;
        const events = await deps.store.eventsByRef(receipt.id, 0, 1000);
        res.json({
          receipt: receipt.id,
          lineage: { parents: receipt.parents, successors: receipt.successors ?? [] },
          events: events.map((e) => ({ index: e.index, seq: e.seq, ...e.event })),
        });
      },
    },
    {
      method: 'get', path: '/v1/pledges', tag: 'pledges', access: token, summary: 'Pledges visible to the caller',
      query: { ...LIST_QUERY, status: { type: 'string', enum: ['active', 'released', 'enforced'], description: 'Only pledges in this status' } },
      responses: { 200: { description: 'a page of pledges' } },
      handler: (req, res) => list(deps, req, res, 'pledge', eq('status', req.query['status'])),
    },
    {
      method: 'get', path: '/v1/pledges/:id', tag: 'pledges', access: token, summary: 'One pledge',
      responses: { 200: { description: 'the pledge' } },
      async handler(req, res) {
        res.json(await one(deps, res, 'pledge', String(req.params['id'])));
      },
    },
    {
      method: 'get', path: '/v1/alerts', tag: 'alerts', access: token, summary: 'Alerts visible to the caller',
      query: {
        ...LIST_QUERY,
        status: { type: 'string', enum: ['open', 'resolved'], description: 'Only alerts in this status' },
        receipt: { ...ID, description: 'Only alerts on this receipt' },
      },
      responses: { 200: { description: 'a page of alerts' } },
      handler: (req, res) => list(deps, req, res, 'alert', both(eq('status', req.query['status']), eq('receipt', req.query['receipt']))),
    },
    {
      method: 'get', path: '/v1/alerts/:id', tag: 'alerts', access: token, summary: 'One alert',
      responses: { 200: { description: 'the alert' } },
      async handler(req, res) {
        res.json(await one(deps, res, 'alert', String(req.params['id'])));
      },
    },
    {
      method: 'get', path: '/v1/me', tag: 'parties', access: 'token', summary: 'The party the token acts as',
      responses: { 200: { description: 'the party and token id' } },
      handler(_req, res) {
        const p = requirePrincipal(res);
        res.json({ party: p.party, tokenId: p.tokenId });
      },
    },
    {
      method: 'get', path: '/v1/devices', tag: 'devices', access: token, summary: 'Devices visible to the caller (a warehouse: its own)',
      query: { ...LIST_QUERY, status: { type: 'string', enum: ['active', 'revoked'], description: 'Only devices in this status' } },
      responses: { 200: { description: 'a page of devices' } },
      handler: (req, res) => list(deps, req, res, 'device', eq('status', req.query['status'])),
    },
    {
      method: 'get', path: '/v1/parties/:id', tag: 'parties', access: 'public (the party directory: role, name, key)',
      summary: 'A registered party and its key history',
      responses: { 200: { description: 'the party' } },
      async handler(req, res) {
        const found = (await deps.store.getState([{ kind: 'party', id: String(req.params['id']) }])).get(`party:${String(req.params['id'])}`);
        if (found === undefined) throw new HttpProblem('NOT_FOUND', `no party '${String(req.params['id'])}'`);
        res.json(found.object);
      },
    },
    {
      method: 'get', path: '/v1/verify/:id', tag: 'verify', access: 'public; validity and status only, nothing commercial',
      summary: 'Public verifier: does this receipt exist, what is its status, is it under a lien',
      responses: { 200: { description: 'status' } },
      async handler(req, res) {
        const id = String(req.params['id']);
        const found = (await deps.store.getState([{ kind: 'receipt', id }])).get(`receipt:${id}`);
        if (found === undefined) throw new HttpProblem('NOT_FOUND', `no receipt '${id}' in this registry`);
        const r = found.object as unknown as Receipt;
        const cp = await deps.store.latestCheckpoint();
        if (cp === undefined) throw new HttpProblem('NOT_FOUND', 'the log has no checkpoint yet');
        // Evidence a browser checks itself: the entry that created the receipt (goods identity, never loan terms),
        // its inclusion proof, and the signed checkpoint of the same size.
        const [created] = await deps.store.entries(r.issuedIndex, r.issuedIndex + 1);
        const proof = await deps.reader.inclusion(r.issuedIndex, cp.size);
        res.json({
          receipt: r.id, status: publicStatus(r), underLien: isUnderLien(r), warehouse: r.warehouse,
          issuedIndex: r.issuedIndex, lastChangedIndex: found.index, checkpointSize: cp.size,
          evidence: {
            index: r.issuedIndex, leaf: toBase64(created!.leaf), size: cp.size, proof: proof.proof.map(toHex), checkpoint: cp.note,
          },
        });
      },
    },
  ];
}

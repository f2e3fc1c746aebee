// The ledger endpoints of DESIGN.md, fixed so outside auditors can follow the log with their own tools:
// hashes in lowercase hex, `end` exclusive, sizes and indices as JSON numbers, proofs in RFC 9162 order.
// Hashes, checkpoints and proofs are public; entry contents are subject to access rules.
import type { Request } from 'express';
import { decodeEntry, type LedgerEntry } from '../../ledger/entry/entry.js';
import { toBase64, toHex } from '../../ledger/encoding/bytes.js';
import { LedgerError } from '../../ledger/errors.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import type { ApiRoute, JsonSchema } from './api-route.js';
import { HttpProblem } from './problem.js';

/** Most leaves or entries returned by one request; a client pages with `start`. */
export const MAX_PAGE = 1000;

export interface LedgerRouteDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly verifierKey: string;
  /** Whether the caller may read this entry in full; entries it may not are omitted. */
  readonly canReadEntry: (req: Request, entry: LedgerEntry) => Promise<boolean>;
}

const index = (description: string) => ({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description }) as const;
const hex = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const RANGE = { start: index('First index (inclusive)'), end: index('Last index (exclusive); at most the published size') };

async function range(req: Request, reader: LogReader): Promise<{ start: number; end: number }> {
  const size = await reader.publishedSize();
  const start = Number(req.query['start']);
  const end = Number(req.query['end']);
  if (start >= end) throw new HttpProblem('QUERY_INVALID', `'start' (${start}) must be less than 'end' (${end})`, 'start');
  if (end > size) throw new LedgerError('INDEX_OUT_OF_RANGE', `'end' (${end}) is beyond the published size ${size}`, 'end');
  return { start, end: Math.min(end, start + MAX_PAGE) };
}

const schema = (s: JsonSchema): JsonSchema => s;

export function ledgerRoutes(deps: LedgerRouteDeps): ApiRoute[] {
  return [
    {
      method: 'get', path: '/v1/ledger/checkpoint', tag: 'ledger', access: 'public',
      summary: 'The latest checkpoint: a C2SP tlog-checkpoint in a C2SP signed note',
      responses: { 200: { description: 'signed note', contentType: 'text/plain', schema: { type: 'string' } } },
      async handler(_req, res) {
        const cp = await deps.store.latestCheckpoint();
        if (cp === undefined) throw new HttpProblem('NOT_FOUND', 'the log has no checkpoint yet');
        res.type('text/plain; charset=utf-8').set('Cache-Control', 'no-cache').send(cp.note);
      },
    },
    {
      method: 'get', path: '/v1/ledger/key', tag: 'ledger', access: 'public',
      summary: "The log's verifier key in signed-note form (name+keyhash+base64(0x01‖key))",
      responses: { 200: { description: 'verifier key', contentType: 'text/plain', schema: { type: 'string' } } },
      handler(_req, res) {
        res.type('text/plain; charset=utf-8').send(`${deps.verifierKey}\n`);
      },
    },
    {
      method: 'get', path: '/v1/ledger/leaves', tag: 'ledger', access: 'public',
      summary: `Leaf hashes in [start, end) (at most ${MAX_PAGE})`,
      query: RANGE, requiredQuery: ['start', 'end'],
      responses: { 200: { description: 'leaves', schema: schema({ type: 'object', properties: { leaves: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, leafHash: hex } } } } }) } },
      async handler(req, res) {
        const { start, end } = await range(req, deps.reader);
        const entries = await deps.store.entries(start, end);
        res.json({ leaves: entries.map((e) => ({ index: e.index, leafHash: toHex(e.leafHash) })) });
      },
    },
    {
      method: 'get', path: '/v1/ledger/entries', tag: 'ledger', access: 'token; only entries the party signed or whose objects it may read (regulators and the operator: all)',
      summary: `Entries in [start, end) with the exact hashed bytes (at most ${MAX_PAGE})`,
      query: RANGE, requiredQuery: ['start', 'end'],
      responses: { 200: { description: 'entries', schema: schema({ type: 'object', properties: { entries: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, leaf: { type: 'string', contentEncoding: 'base64' }, entry: { type: 'object' } } } } } }) } },
      async handler(req, res) {
        if (req.headers.authorization === undefined) {
          throw new HttpProblem('UNAUTHENTICATED', 'entry contents need a bearer token; hashes are public at /v1/ledger/leaves');
        }
        const { start, end } = await range(req, deps.reader);
        const records = await deps.store.entries(start, end);
        const visible = [];
        for (const rec of records) {
          const entry = decodeEntry(rec.leaf);
          if (await deps.canReadEntry(req, entry)) visible.push({ index: rec.index, leaf: toBase64(rec.leaf), entry });
        }
        res.json({ entries: visible });
      },
    },
    {
      method: 'get', path: '/v1/ledger/proof/inclusion', tag: 'ledger', access: 'public',
      summary: 'Inclusion proof of entry `index` in the tree of `size` (RFC 9162 §2.1.3)',
      query: { index: index('Entry index'), size: index('Tree size (≤ published size)') }, requiredQuery: ['index', 'size'],
      responses: { 200: { description: 'proof', schema: schema({ type: 'object', properties: { index: { type: 'integer' }, size: { type: 'integer' }, leafHash: hex, rootHash: hex, proof: { type: 'array', items: hex } } }) } },
      async handler(req, res) {
        const p = await deps.reader.inclusion(Number(req.query['index']), Number(req.query['size']));
        res.json({ index: p.index, size: p.size, leafHash: toHex(p.leafHash), rootHash: toHex(p.rootHash), proof: p.proof.map(toHex) });
      },
    },
    {
      method: 'get', path: '/v1/ledger/proof/consistency', tag: 'ledger', access: 'public',
      summary: 'Consistency proof between tree sizes `first` and `second` (RFC 9162 §2.1.4)',
      query: { first: index('Smaller tree size (≥ 1)'), second: index('Larger tree size (≤ published size)') }, requiredQuery: ['first', 'second'],
      responses: { 200: { description: 'proof', schema: schema({ type: 'object', properties: { first: { type: 'integer' }, second: { type: 'integer' }, firstRoot: hex, secondRoot: hex, proof: { type: 'array', items: hex } } }) } },
      async handler(req, res) {
        const p = await deps.reader.consistency(Number(req.query['first']), Number(req.query['second']));
        res.json({ first: p.first, second: p.second, firstRoot: toHex(p.firstRoot), secondRoot: toHex(p.secondRoot), proof: p.proof.map(toHex) });
      },
    },
  ];
}

// The ledger endpoints of DESIGN.md, fixed so outside auditors can follow the log with their own tools:
// hashes in lowercase hex, `end` exclusive, sizes and indices as JSON numbers, proofs in RFC 9162 order.
// Hashes, checkpoints and proofs are public; entry contents are subject to access rules.
import { Router, type Request } from 'express';
import { decodeEntry } from '../../ledger/entry/entry.js';
import { toBase64, toHex } from '../../ledger/encoding/bytes.js';
import { LedgerError } from '../../ledger/errors.js';
import type { LogReader } from '../../ledger/log/log-reader.js';
import type { LedgerStore } from '../../ledger/store/ledger-store.js';
import type { LedgerEntry } from '../../ledger/entry/entry.js';
import { HttpProblem } from './problem.js';
import { intParam } from './query.js';

/** Most leaves or entries returned by one request; a client pages with `start`. */
export const MAX_PAGE = 1000;

export interface LedgerRouteDeps {
  readonly store: LedgerStore;
  readonly reader: LogReader;
  readonly verifierKey: string;
  /** Which entries the caller may read in full; returns false for the rest (they are omitted as not visible). */
  readonly canReadEntry: (req: Request, entry: LedgerEntry) => Promise<boolean>;
}

async function range(req: Request, reader: LogReader): Promise<{ start: number; end: number }> {
  const size = await reader.publishedSize();
  const start = intParam(req, 'start');
  const end = intParam(req, 'end');
  if (start >= end) throw new HttpProblem('QUERY_INVALID', `'start' (${start}) must be less than 'end' (${end})`, 'start');
  if (end > size) throw new LedgerError('INDEX_OUT_OF_RANGE', `'end' (${end}) is beyond the published size ${size}`, 'end');
  return { start, end: Math.min(end, start + MAX_PAGE) };
}

export function ledgerRoutes(deps: LedgerRouteDeps): Router {
  const r = Router();

  r.get('/checkpoint', async (_req, res) => {
    const cp = await deps.store.latestCheckpoint();
    if (cp === undefined) throw new HttpProblem('NOT_FOUND', 'the log has no checkpoint yet');
    res.type('text/plain; charset=utf-8').set('Cache-Control', 'no-cache').send(cp.note);
  });

  r.get('/key', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(`${deps.verifierKey}\n`);
  });

  r.get('/leaves', async (req, res) => {
    const { start, end } = await range(req, deps.reader);
    const entries = await deps.store.entries(start, end);
    res.json({ leaves: entries.map((e) => ({ index: e.index, leafHash: toHex(e.leafHash) })) });
  });

  r.get('/entries', async (req, res) => {
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
  });

  r.get('/proof/inclusion', async (req, res) => {
    const p = await deps.reader.inclusion(intParam(req, 'index'), intParam(req, 'size'));
    res.json({ index: p.index, size: p.size, leafHash: toHex(p.leafHash), rootHash: toHex(p.rootHash), proof: p.proof.map(toHex) });
  });

  r.get('/proof/consistency', async (req, res) => {
    const p = await deps.reader.consistency(intParam(req, 'first'), intParam(req, 'second'));
    res.json({
      first: p.first, second: p.second, firstRoot: toHex(p.firstRoot), secondRoot: toHex(p.secondRoot), proof: p.proof.map(toHex),
    });
  });

  return r;
}

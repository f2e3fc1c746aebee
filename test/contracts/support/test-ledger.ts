// A tiny in-memory ledger for contract tests: numbers entries, feeds ctx, applies writes on success, and
// sets up the usual cast of parties.
import { apply } from '../../../contracts/index.js';
import type { Receipt } from '../../../contracts/state.js';
import type { Ctx, Outcome, SignedTx } from '../../../contracts/types.js';
import { MemoryState } from './memory-view.js';

/** Canonical base64 of 32 bytes, distinct per seed (not a real curve point; the contracts check form only). */
export function fakeKey(seed: number): string {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) b[i] = (seed * 31 + i * 7) & 0xff;
  return Buffer.from(b).toString('base64');
}

export const T0 = Date.UTC(2026, 0, 1);
export const timeAt = (index: number): string => new Date(T0 + index * 60_000).toISOString();

export interface Accepted {
  readonly signed: SignedTx;
  readonly ctx: Ctx;
}

export class TestLedger {
  readonly state = new MemoryState();
  readonly accepted: Accepted[] = [];
  index = 0;

  /** Applies a tx signed by `signers`; on success writes state and advances the index. */
  submit(type: string, body: unknown, signers: readonly string[]): Outcome {
    const signed: SignedTx = {
      tx: { v: 1, type, nonce: `n${this.index}`, ts: timeAt(this.index), body },
      sigs: signers.map((signer) => ({ signer, sig: 'x' })),
    };
    const ctx: Ctx = { index: this.index, time: timeAt(this.index), txHash: this.index.toString(16).padStart(64, '0'), signers: new Set(signers) };
    const out = apply(this.state.view, signed, ctx);
    if (out.ok) {
      this.state.write(out.writes);
      this.accepted.push({ signed, ctx });
      this.index += 1;
    }
    return out;
  }

  /** Like submit, but throws with the error when rejected (for setup steps). */
  must(type: string, body: unknown, signers: readonly string[]): Outcome & { ok: true } {
    const out = this.submit(type, body, signers);
    if (!out.ok) throw new Error(`${type} rejected: ${out.error.code} ${out.error.message} ${out.error.field ?? ''}`);
    return out;
  }

  receipt(id: string): Receipt {
    const r = this.state.view.get('receipt', id) as Receipt | undefined;
    if (r === undefined) throw new Error(`no receipt ${id}`);
    return r;
  }
}

export const CAST = {
  op: 'operator',
  wh: 'wh-north', wh2: 'wh-south', alice: 'alice', bob: 'bob', bankA: 'bank-a', bankB: 'bank-b',
  insp: 'inspector-1', gw: 'gateway-1', reg: 'regulator', ins: 'insurer-1',
} as const;

const ROLES: readonly (readonly [string, string])[] = [
  [CAST.wh, 'warehouse'], [CAST.wh2, 'warehouse'], [CAST.alice, 'holder'], [CAST.bob, 'holder'], [CAST.bankA, 'bank'],
  [CAST.bankB, 'bank'], [CAST.insp, 'inspector'], [CAST.gw, 'gateway'], [CAST.reg, 'regulator'], [CAST.ins, 'insurer'],
];

export const LOT = { warehouse: CAST.wh, lot: 'LOT-1', site: 'north-1', bay: 'B7', commodity: 'maize', quantity: '100.000', unit: 't' };

/** Genesis, the cast, one device, and lot LOT-1 of 100 t at wh-north. */
export function bootstrap(): TestLedger {
  const l = new TestLedger();
  l.must('ledger.genesis', { origin: 'ledgerhouse.test/log', operator: { id: CAST.op, name: 'Op', publicKey: fakeKey(0) } }, [CAST.op]);
  ROLES.forEach(([id, role], i) => l.must('party.register', { id, role, name: id, publicKey: fakeKey(i + 1) }, [CAST.op]));
  l.must('device.register', { id: 'cell-1', warehouse: CAST.wh, site: 'north-1', lot: 'LOT-1', kinds: ['load-cell', 'temperature'], publicKey: fakeKey(99) }, [CAST.wh]);
  l.must('lot.deposit', LOT, [CAST.wh]);
  return l;
}

/** receipt.issue body for LOT-1 to `holder`. */
export function issueBody(quantity: string, holder: string = CAST.alice): Record<string, unknown> {
  const { quantity: _q, ...lot } = LOT;
  return { ...lot, holder, grade: 'No. 2', quantity };
}

/** Issues a receipt and returns its id. */
export function issue(l: TestLedger, quantity: string, holder: string = CAST.alice): string {
  const out = l.must('receipt.issue', issueBody(quantity, holder), [CAST.wh]);
  const r = out.writes.find((w) => w.kind === 'receipt');
  if (r === undefined) throw new Error('no receipt written');
  return r.id;
}

export const pledgeBody = (receipt: string, bank: string = CAST.bankA): Record<string, unknown> => ({
  receipt, bank, amount: '50000.00', currency: 'USD', maturity: '2027-01-01T00:00:00Z',
  covenants: { quantityFloor: '10.000', temperature: { minC: 5, maxC: 30, maxOutOfRangeSeconds: 600 } },
});

export const instruction = { reference: 'RI-1', reason: 'repaid' };

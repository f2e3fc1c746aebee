// Long random sequences of transactions by random parties with random signer sets; after every step the
// invariants of DESIGN.md hold, and replaying the accepted entries on a fresh view rebuilds the same state.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lotKey } from '../../contracts/ids.js';
import { quantityUnits } from '../../contracts/quantity.js';
import type { Alert, Lot, Party, Pledge, Receipt } from '../../contracts/state.js';
import type { Outcome, StateObject } from '../../contracts/types.js';
import { bootstrap, CAST, fakeKey, instruction, issueBody, pledgeBody, TestLedger } from './support/test-ledger.js';

const PARTIES = [CAST.alice, CAST.bob, CAST.bankA, CAST.bankB, CAST.wh, CAST.gw, CAST.insp, CAST.op] as const;
const OPS = [
  'issue', 'issue', 'transfer', 'split', 'merge', 'redeem', 'toPaper', 'fromPaper', 'pledge', 'pledge', 'release',
  'partial', 'enforce', 'raise', 'resolve', 'rotate', 'revoke',
] as const;
type Op = (typeof OPS)[number];
interface Step { readonly op: Op; readonly a: number; readonly b: number; readonly c: number; readonly signerMask: number; readonly honest: boolean }

const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.constantFrom(...OPS), a: fc.nat(1000), b: fc.nat(1000), c: fc.nat(1000),
  signerMask: fc.nat((1 << PARTIES.length) - 1), honest: fc.boolean(),
});

const LIVE = new Set(['active', 'pledged']);
const QUANTITIES = ['1', '5', '12.5', '30', '0.001', '0', '-1', '1.0001', '1e3', '9999999999999'];
const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);

function ids<T extends StateObject>(l: TestLedger, kind: 'receipt' | 'pledge' | 'alert'): T[] {
  return l.state.all<T>(kind);
}

/** Builds the transaction a step describes against the current state: [type, body, proper signers]. */
function build(l: TestLedger, s: Step): [string, unknown, string[]] {
  const receipts = ids<Receipt>(l, 'receipt');
  const operative = receipts.filter((x) => LIVE.has(x.status));
  const r = pick(s.c % 4 === 0 ? receipts : operative, s.a); // mostly operative receipts, so more steps do something
  const other = pick(PARTIES, s.b) ?? CAST.bob;
  const rid = r?.id ?? 'rc-none';
  const holder = r?.holder ?? CAST.alice;
  const pledges = ids<Pledge>(l, 'pledge');
  const p = pick(s.c % 4 === 0 ? pledges : pledges.filter((x) => x.status === 'active'), s.b);
  switch (s.op) {
    case 'issue': return ['receipt.issue', issueBody(pick(QUANTITIES, s.b) ?? '1', pick([CAST.alice, CAST.bob], s.c)), [CAST.wh]];
    case 'transfer': return ['receipt.transfer', { receipt: rid, to: other }, [holder, ...(r?.pledge ? [pick([CAST.bankA, CAST.bankB], s.c) ?? CAST.bankA] : [])]];
    case 'split': {
      const total = r ? quantityUnits(r.quantity, r.unit) : 1000n;
      const cut = BigInt(s.b) % (total + 1n);
      const skew = s.c % 7 === 0 ? 1n : 0n; // sometimes not conserved
      const fmt = (u: bigint): string => (Number(u) / 1000).toFixed(3);
      return ['receipt.split', { receipt: rid, parts: [fmt(cut), fmt(total - cut + skew)] }, [holder]];
    }
    case 'merge': {
      const mates = s.c % 4 === 0 ? receipts : operative.filter((x) => x.holder === holder && x.id !== rid);
      return ['receipt.merge', { receipts: [rid, pick(mates, s.b)?.id ?? rid] }, [holder]];
    }
    case 'redeem': return ['receipt.redeem', { receipt: rid }, [holder, CAST.wh]];
    case 'toPaper': return ['receipt.toPaper', { receipt: rid, paperSerial: `P-${s.b}` }, [holder, CAST.wh]];
    case 'fromPaper': {
      const paper = pick(receipts.filter((x) => x.paperSerial !== undefined), s.b);
      return ['receipt.fromPaper', { receipt: paper?.id ?? rid, paperSerial: paper?.paperSerial ?? 'P-x', holder: other }, [CAST.wh]];
    }
    case 'pledge': {
      const bank = pick([CAST.bankA, CAST.bankB], s.c) ?? CAST.bankA;
      const body = { ...pledgeBody(rid, bank), ...(s.b % 3 === 0 ? {} : { covenants: {} }) };
      return ['pledge.create', body, [holder, bank]];
    }
    case 'release': return ['pledge.release', { pledge: p?.id ?? 'pl-none', instruction }, [p?.bank ?? CAST.bankA]];
    case 'partial': return ['pledge.partialRelease', { pledge: p?.id ?? 'pl-none', quantity: pick(['1', '5', '20', '0.5'], s.c), instruction, quantityFloor: '0.001' }, [p?.bank ?? CAST.bankA]];
    case 'enforce': return ['pledge.enforce', { pledge: p?.id ?? 'pl-none', notice: 'default' }, [p?.bank ?? CAST.bankA]];
    case 'raise': return ['alert.raise', {
      gateway: CAST.gw, receipt: rid, severity: pick(['critical', 'warning'], s.c), covenant: 'temperature', message: 'm',
      observedAt: '2026-01-01T00:00:00Z', devices: [], ...(r?.pledge && s.b % 2 === 0 ? { pledge: r.pledge } : {}),
    }, [CAST.gw]];
    case 'resolve': {
      const alert = pick(ids<Alert>(l, 'alert'), s.b);
      return ['alert.resolve', { alert: alert?.id ?? 'al-none', resolution: 'ok' }, [pick([CAST.wh, CAST.bankA, CAST.bankB], s.c) ?? CAST.wh]];
    }
    case 'rotate': return ['party.rotateKey', { party: other, publicKey: fakeKey(1000 + l.index) }, [other]];
    case 'revoke': { // rarely a party that matters, so sequences stay lively
      const party = s.a % 10 === 0 ? pick([CAST.bob, CAST.bankB], s.b) : CAST.ins;
      return ['party.revoke', { party, reason: 'r' }, [CAST.op]];
    }
  }
}

/** Signers as the pipeline would pass them: only active parties whose signature verified. */
function signersFor(l: TestLedger, s: Step, proper: readonly string[]): string[] {
  const random = PARTIES.filter((_, i) => (s.signerMask & (1 << i)) !== 0);
  const chosen = s.honest ? [...new Set([...proper, ...random.slice(0, 1)])] : random;
  return chosen.filter((id) => (l.state.view.get('party', id) as Party | undefined)?.status === 'active');
}

function checkInvariants(l: TestLedger): void {
  const receipts = ids<Receipt>(l, 'receipt');
  const lot = l.state.view.get('lot', lotKey(CAST.wh, 'LOT-1')) as Lot;
  const u = (q: string): bigint => quantityUnits(q, 't');
  // [SING-1] live quantity per lot ≤ deposited, and the lot aggregate agrees with the receipts
  const live = receipts.filter((r) => LIVE.has(r.status)).reduce((a, r) => a + u(r.quantity), 0n);
  const paper = receipts.filter((r) => r.inoperativeReason === 'paper' && r.surrenderedFor === undefined).reduce((a, r) => a + u(r.quantity), 0n);
  const gone = receipts.filter((r) => r.status === 'redeemed').reduce((a, r) => a + u(r.quantity), 0n);
  assert.equal(u(lot.live), live);
  assert.equal(u(lot.paper), paper);
  assert.equal(u(lot.withdrawn), gone);
  assert.ok(live + paper + gone <= u(lot.deposited), 'singularity');
  // [LIEN-1] at most one active pledge per receipt, and pledged ⇔ pointed at by an active pledge
  const active = ids<Pledge>(l, 'pledge').filter((p) => p.status === 'active');
  assert.equal(new Set(active.map((p) => p.receipt)).size, active.length);
  for (const p of active) assert.equal(l.receipt(p.receipt).pledge, p.id);
  for (const r of receipts) {
    assert.equal(r.status === 'pledged', r.pledge !== undefined);
    if (r.frozenBy.length > 0) assert.ok(LIVE.has(r.status), 'a frozen receipt stays operative');
  }
}

function checkStep(before: TestLedger['state'], type: string, signers: ReadonlySet<string>, out: Outcome & { ok: true }): void {
  const created: Receipt[] = [];
  const retired: Receipt[] = [];
  for (const w of out.writes) {
    if (w.kind === 'receipt') {
      const now = w as Receipt;
      const prev = before.view.get('receipt', w.id) as Receipt | undefined;
      if (prev === undefined) { created.push(now); continue; }
      if (prev.status !== 'inoperative' && now.status === 'inoperative') retired.push(now);
      if (prev.holder !== now.holder) { // [CTRL-1] / [CTRL-3]
        const byHolder = signers.has(prev.holder);
        const byLienholder = type === 'pledge.enforce' && prev.pledge !== undefined && signers.has(now.holder);
        assert.ok(byHolder || byLienholder, `${type} moved ${w.id} without its holder`);
      }
    }
    if (w.kind === 'pledge') { // [CTRL-2]
      const now = w as Pledge;
      const prev = before.view.get('pledge', w.id) as Pledge | undefined;
      if (prev !== undefined) assert.ok(signers.has(prev.bank), `${type} changed ${w.id} without its lienholder`);
      if (prev !== undefined) assert.equal(prev.status, 'active');
      assert.ok(now.bank === prev?.bank || prev === undefined);
    }
  }
  if (type === 'receipt.split' || type === 'receipt.merge' || type === 'pledge.partialRelease') { // [QTY-2]
    const sum = (rs: Receipt[]): bigint => rs.reduce((a, r) => a + quantityUnits(r.quantity, r.unit), 0n);
    assert.ok(retired.length > 0 && created.length > 0);
    assert.equal(sum(created), sum(retired));
    for (const c of created) assert.deepEqual([...c.parents].sort(), retired.map((r) => r.id).sort()); // [LIN-1]
  }
}

function cloneState(l: TestLedger): TestLedger['state'] {
  const copy = new TestLedger().state;
  copy.write(l.state.snapshot());
  return copy;
}

describe('contracts: invariants under random transaction sequences', () => {
  it('When 200 random transactions are applied, then every invariant holds after every step and replay is deterministic', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 200, maxLength: 200 }), (steps) => {
        const l = bootstrap();
        const setup = l.accepted.length;
        for (const s of steps) {
          const [type, body, proper] = build(l, s);
          const signers = signersFor(l, s, proper);
          const before = cloneState(l);
          const out = l.submit(type, body, signers);
          if (out.ok) checkStep(before, type, new Set(signers), out);
          checkInvariants(l);
        }
        assert.ok(l.accepted.length > setup);
        // [DET] state = replay(ledger)
        const again = new TestLedger();
        for (const a of l.accepted) {
          const out = again.submit(a.signed.tx.type, a.signed.tx.body, [...a.ctx.signers]);
          assert.ok(out.ok, `replay of ${a.signed.tx.type} at ${a.ctx.index} rejected`);
        }
        assert.deepStrictEqual(again.state.snapshot(), l.state.snapshot());
      }),
      { numRuns: 60 },
    );
  });
});

// Every (receipt state × transaction type) pair, each signed by the parties the transaction asks for, with
// the expected outcome: 'ok' or a stable error code.
import assert from 'node:assert/strict';
import { TX_TYPES } from '../../contracts/index.js';
import { bootstrap, CAST, fakeKey, instruction, issue, issueBody, pledgeBody, type TestLedger } from './support/test-ledger.js';

interface Situation {
  readonly l: TestLedger;
  readonly receipt: string;
  readonly pledge?: string;
  readonly alert?: string;
}

const idOf = (l: TestLedger, kind: string, out: { writes: readonly { kind: string; id: string }[] }): string => {
  const w = out.writes.find((o) => o.kind === kind);
  if (w === undefined) throw new Error(`no ${kind} written`);
  return w.id;
};

function active(): Situation {
  const l = bootstrap();
  return { l, receipt: issue(l, '40') };
}
function pledged(): Situation {
  const s = active();
  return { ...s, pledge: idOf(s.l, 'pledge', s.l.must('pledge.create', pledgeBody(s.receipt), [CAST.alice, CAST.bankA])) };
}
const raise = (s: Situation): Situation => ({
  ...s,
  alert: idOf(s.l, 'alert', s.l.must('alert.raise', {
    gateway: CAST.gw, receipt: s.receipt, severity: 'critical', covenant: 'temperature', message: 'hot',
    observedAt: '2026-01-01T00:00:00Z', devices: ['cell-1'], ...(s.pledge ? { pledge: s.pledge } : {}),
  }, [CAST.gw])),
});

const STATES: Record<string, () => Situation> = {
  active,
  pledged,
  frozen: () => raise(active()),
  'frozen-pledged': () => raise(pledged()),
  redeemed: () => { const s = active(); s.l.must('receipt.redeem', { receipt: s.receipt }, [CAST.alice, CAST.wh]); return s; },
  split: () => { const s = active(); s.l.must('receipt.split', { receipt: s.receipt, parts: ['15', '25'] }, [CAST.alice]); return s; },
  merged: () => {
    const s = active();
    s.l.must('receipt.merge', { receipts: [s.receipt, issue(s.l, '5')] }, [CAST.alice]);
    return s;
  },
  paper: () => { const s = active(); s.l.must('receipt.toPaper', { receipt: s.receipt, paperSerial: 'P-1' }, [CAST.alice, CAST.wh]); return s; },
  enforced: () => { const s = pledged(); s.l.must('pledge.enforce', { pledge: s.pledge, notice: 'default' }, [CAST.bankA]); return s; },
};

type Build = (s: Situation) => { body: unknown; signers: string[] };
const holder = (s: Situation): string => s.l.receipt(s.receipt).holder;
const P = (s: Situation): string => s.pledge ?? 'pl-missing';

const BUILD: Record<string, Build> = {
  'ledger.genesis': () => ({ body: { origin: 'again', operator: { id: CAST.op, name: 'Op', publicKey: fakeKey(0) } }, signers: [CAST.op] }),
  'party.register': () => ({ body: { id: 'carol', role: 'holder', name: 'Carol', publicKey: fakeKey(200) }, signers: [CAST.op] }),
  'party.rotateKey': () => ({ body: { party: CAST.bob, publicKey: fakeKey(201) }, signers: [CAST.bob] }),
  'party.revoke': () => ({ body: { party: CAST.ins, reason: 'left' }, signers: [CAST.op] }),
  'device.register': () => ({ body: { id: 'door-9', warehouse: CAST.wh, site: 'north-1', kinds: ['door'], publicKey: fakeKey(202) }, signers: [CAST.wh] }),
  'device.revoke': () => ({ body: { device: 'cell-1', reason: 'broken' }, signers: [CAST.wh] }),
  'lot.deposit': () => ({ body: { warehouse: CAST.wh, lot: 'LOT-2', site: 's', bay: 'b', commodity: 'rice', quantity: '12', unit: 'bag' }, signers: [CAST.wh] }),
  'receipt.issue': () => ({ body: issueBody('10'), signers: [CAST.wh] }),
  'receipt.transfer': (s) => ({ body: { receipt: s.receipt, to: CAST.bob }, signers: [holder(s), CAST.bankA] }),
  'receipt.split': (s) => ({ body: { receipt: s.receipt, parts: ['10', '30'] }, signers: [holder(s)] }),
  'receipt.merge': (s) => ({ body: { receipts: [s.receipt, issue(s.l, '5', holder(s))] }, signers: [holder(s)] }),
  'receipt.redeem': (s) => ({ body: { receipt: s.receipt }, signers: [holder(s), CAST.wh] }),
  'receipt.toPaper': (s) => ({ body: { receipt: s.receipt, paperSerial: 'P-2' }, signers: [holder(s), CAST.wh] }),
  'receipt.fromPaper': (s) => ({ body: { receipt: s.receipt, paperSerial: 'P-1', holder: CAST.bob }, signers: [CAST.wh] }),
  'pledge.create': (s) => ({ body: pledgeBody(s.receipt, CAST.bankB), signers: [holder(s), CAST.bankB] }),
  'pledge.release': (s) => ({ body: { pledge: P(s), instruction }, signers: [CAST.bankA] }),
  'pledge.partialRelease': (s) => ({ body: { pledge: P(s), quantity: '10', instruction }, signers: [CAST.bankA] }),
  'pledge.enforce': (s) => ({ body: { pledge: P(s), notice: 'default' }, signers: [CAST.bankA] }),
  'alert.raise': (s) => ({
    body: { gateway: CAST.gw, receipt: s.receipt, severity: 'critical', covenant: 'humidity', message: 'wet', observedAt: '2026-01-01T00:00:00Z', devices: [] },
    signers: [CAST.gw],
  }),
  'alert.resolve': (s) => ({ body: { alert: s.alert ?? 'al-missing', resolution: 'fixed' }, signers: [CAST.wh] }),
  'telemetry.anchor': () => ({
    body: { gateway: CAST.gw, batchRoot: 'ab'.repeat(32), readings: 10, firstReadingAt: '2026-01-01T00:00:00Z', lastReadingAt: '2026-01-01T00:01:00Z', devices: ['cell-1'] },
    signers: [CAST.gw],
  }),
};

const ST = Object.keys(STATES);
const all = (v: string): Record<string, string> => Object.fromEntries(ST.map((s) => [s, v]));
const row = (...vs: string[]): Record<string, string> => Object.fromEntries(ST.map((s, i) => [s, vs[i] ?? 'MISSING']));
//                       active  pledged  frozen  frozen-pledged  redeemed  split  merged  paper  enforced
const INOP = 'RECEIPT_INOPERATIVE';
const RED = 'RECEIPT_REDEEMED';
const FRZ = 'RECEIPT_FROZEN';
const PLD = 'RECEIPT_PLEDGED';
const NPF = 'PLEDGE_NOT_FOUND';

const EXPECT: Record<string, Record<string, string>> = {
  'ledger.genesis': all('GENESIS_DONE'),
  'party.register': all('ok'),
  'party.rotateKey': all('ok'),
  'party.revoke': all('ok'),
  'device.register': all('ok'),
  'device.revoke': all('ok'),
  'lot.deposit': all('ok'),
  'receipt.issue': all('ok'),
  'receipt.transfer': row('ok', 'ok', FRZ, FRZ, RED, INOP, INOP, INOP, 'ok'),
  'receipt.split': row('ok', PLD, FRZ, PLD, RED, INOP, INOP, INOP, 'ok'),
  'receipt.merge': row('ok', PLD, FRZ, PLD, RED, INOP, INOP, INOP, 'ok'),
  'receipt.redeem': row('ok', PLD, FRZ, PLD, RED, INOP, INOP, INOP, 'ok'),
  'receipt.toPaper': row('ok', PLD, FRZ, PLD, RED, INOP, INOP, INOP, 'ok'),
  'receipt.fromPaper': row(...ST.map((s) => (s === 'paper' ? 'ok' : 'RECEIPT_NOT_PAPER'))),
  'pledge.create': row('ok', 'PLEDGE_ALREADY_ACTIVE', FRZ, 'PLEDGE_ALREADY_ACTIVE', RED, INOP, INOP, INOP, 'ok'),
  'pledge.release': row(NPF, 'ok', NPF, 'ok', NPF, NPF, NPF, NPF, 'PLEDGE_NOT_ACTIVE'),
  'pledge.partialRelease': row(NPF, 'ok', NPF, FRZ, NPF, NPF, NPF, NPF, 'PLEDGE_NOT_ACTIVE'),
  'pledge.enforce': row(NPF, 'ok', NPF, 'ok', NPF, NPF, NPF, NPF, 'PLEDGE_NOT_ACTIVE'),
  'alert.raise': row('ok', 'ok', 'ok', 'ok', RED, INOP, INOP, INOP, 'ok'),
  'alert.resolve': row('ALERT_NOT_FOUND', 'ALERT_NOT_FOUND', 'ok', 'ok', ...Array<string>(5).fill('ALERT_NOT_FOUND')),
  'telemetry.anchor': all('ok'),
};

describe('contracts: lifecycle table (receipt state × transaction)', () => {
  it('When the table is read, then it covers every transaction type', () => {
    assert.deepEqual(Object.keys(EXPECT).sort(), [...TX_TYPES].sort());
    assert.deepEqual(Object.keys(BUILD).sort(), [...TX_TYPES].sort());
  });

  for (const state of ST) {
    for (const type of TX_TYPES) {
      const expected = EXPECT[type]?.[state] ?? 'MISSING';
      it(`When a receipt is ${state} and ${type} is submitted, then ${expected}`, () => {
        const s = (STATES[state] ?? active)();
        const build = BUILD[type];
        assert.ok(build);
        const { body, signers } = build(s);
        const out = s.l.submit(type, body, signers);
        assert.equal(out.ok ? 'ok' : out.error.code, expected, out.ok ? '' : out.error.message);
      });
    }
  }
});

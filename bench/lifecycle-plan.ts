// A pledge-lifecycle workload, fully pre-signed. Each chain is six transactions on one lot:
//   lot.deposit → receipt.issue → pledge.create → pledge.release → receipt.transfer → pledge.create (new holder, new bank)
// Receipt and pledge ids are named after the index of the entry that creates them [ID-1], so the plan predicts
// every index: transactions are submitted in plan order and every one of them is valid, hence entry k of the plan
// lands at `startIndex + k`. The benchmark checks that prediction on every result.
//
// Chains run staggered, like a software pipeline: the chains are split into six groups and group g starts one
// step after group g − 1, so in steady state every batch mixes all six transaction types.
import { objectId } from '../contracts/ids.js';
import type { SignedTx, Tx } from '../contracts/types.js';
import type { CommitPipeline } from '../ledger/pipeline/commit-pipeline.js';
import type { BenchKey } from './bench-keys.js';
import { signed, type Cast } from './bench-ledger.js';

export const STAGES = ['lot.deposit', 'receipt.issue', 'pledge.create', 'pledge.release', 'receipt.transfer', 'pledge.create'] as const;

export interface PlanOptions {
  /** Number of six-transaction chains. */
  readonly chains: number;
  /** Ledger size when the plan's first transaction is submitted. */
  readonly startIndex: number;
  /** Distinguishes plans on one ledger (lot references and nonces stay unique). */
  readonly tag: string;
  readonly cast: Cast;
}

interface Step {
  readonly type: string;
  readonly body: unknown;
  readonly signers: readonly BenchKey[];
  /** First signer's nonce. */
  readonly nonce: string;
}

interface ChainState {
  receipt?: string;
  pledge?: string;
}

const TS = '2026-11-24T00:00:00.000Z';
const COVENANTS = { quantityFloor: '10.000', temperature: { minC: 5, maxC: 30, maxOutOfRangeSeconds: 600 } };

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

/** Stage `stage` of chain `c`, given the ids earlier stages created. */
function step(opts: PlanOptions, c: number, stage: number, state: ChainState): Step {
  const { cast, tag } = opts;
  const wh = pick(cast.warehouses, c);
  const holder1 = pick(cast.holders, c);
  const holder2 = pick(cast.holders, c + 1);
  const bank1 = pick(cast.banks, c);
  const bank2 = pick(cast.banks, c + 1);
  const lot = { warehouse: wh.id, lot: `L-${tag}-${c}`, site: 'site-1', bay: `B${c % 40}`, commodity: 'maize', unit: 't' };
  const nonce = `${tag}-${c}-${stage}`;
  const pledge = (bank: BenchKey) => ({ receipt: state.receipt, bank: bank.id, amount: '50000.00', currency: 'USD', maturity: '2027-06-30T00:00:00Z', covenants: COVENANTS });
  switch (stage) {
    case 0:
      return { type: 'lot.deposit', body: { ...lot, quantity: '100.000' }, signers: [wh], nonce };
    case 1:
      return { type: 'receipt.issue', body: { ...lot, holder: holder1.id, grade: 'No. 2', quantity: '100.000' }, signers: [wh], nonce };
    case 2:
      return { type: 'pledge.create', body: pledge(bank1), signers: [holder1, bank1], nonce };
    case 3:
      return { type: 'pledge.release', body: { pledge: state.pledge, instruction: { reference: `RI-${tag}-${c}`, reason: 'repaid' } }, signers: [bank1], nonce };
    case 4:
      return { type: 'receipt.transfer', body: { receipt: state.receipt, to: holder2.id }, signers: [holder1], nonce };
    default:
      return { type: 'pledge.create', body: pledge(bank2), signers: [holder2, bank2], nonce };
  }
}

/** The chains in staggered order: (chain, stage) pairs, each chain's stages in order. */
function schedule(chains: number): [number, number][] {
  const groups = STAGES.length;
  const perGroup = Math.ceil(chains / groups);
  const order: [number, number][] = [];
  for (let tick = 0; tick < groups + STAGES.length - 1; tick++) {
    for (let j = 0; j < perGroup; j++) {
      for (let g = 0; g < groups; g++) {
        const stage = tick - g;
        const c = g * perGroup + j;
        if (stage >= 0 && stage < STAGES.length && c < chains) order.push([c, stage]);
      }
    }
  }
  return order;
}

export interface Plan {
  readonly txs: readonly SignedTx[];
  /** Transactions per type. */
  readonly mix: ReadonlyMap<string, number>;
  /** Signatures carried by the plan's transactions. */
  readonly signatures: number;
}

/** Build and sign the plan (signing is the clients' cost: do it before the clock starts). */
export function lifecyclePlan(opts: PlanOptions): Plan {
  const states: ChainState[] = Array.from({ length: opts.chains }, () => ({}));
  const txs: SignedTx[] = [];
  const mix = new Map<string, number>();
  let signatures = 0;
  for (const [c, stage] of schedule(opts.chains)) {
    const state = states[c]!;
    const s = step(opts, c, stage, state);
    const index = opts.startIndex + txs.length;
    if (stage === 1) state.receipt = objectId('rc', index);
    if (stage === 2) state.pledge = objectId('pl', index);
    const tx: Tx = { v: 1, type: s.type, nonce: s.nonce, ts: TS, body: s.body };
    txs.push(signed(tx, s.signers));
    mix.set(s.type, (mix.get(s.type) ?? 0) + 1);
    signatures += s.signers.length;
  }
  return { txs, mix, signatures };
}

/**
 * Submit the plan in order, keeping up to `window` submissions in flight (below the pipeline's maxQueue, so none
 * is refused with LOG_BUSY), and wait for all of them. Throws when an entry is refused or lands elsewhere than
 * the plan predicted. Returns the seconds from the first submit to the last commit.
 */
export async function runPlan(pipeline: CommitPipeline, plan: Plan, startIndex: number, window = 4096): Promise<number> {
  const { txs } = plan;
  const t0 = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let settled = 0;
    let failed = false;
    const pump = (): void => {
      while (!failed && next < txs.length && next - settled < window) {
        const k = next++;
        pipeline.submit(txs[k]).then((c) => {
          if (c.index !== startIndex + k || c.duplicate) {
            failed = true;
            reject(new Error(`plan out of step: tx ${k} (${txs[k]!.tx.type}) committed at ${c.index}, expected ${startIndex + k}`));
            return;
          }
          settled++;
          if (settled === txs.length) resolve();
          else pump();
        }, (e: unknown) => {
          failed = true;
          reject(new Error(`plan tx ${k} (${txs[k]!.tx.type}) refused: ${(e as Error).message}`));
        });
      }
    };
    pump();
  });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

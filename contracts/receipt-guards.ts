// Named guards over receipts (STYLE.md §2). Each returns a Failure or undefined, so they chain with `??`.
import { fail, okValue, type Checked, type Failure } from './errors.js';
import { read } from './read.js';
import type { Receipt } from './state.js';
import type { Ctx, StateView } from './types.js';

export function loadReceipt(view: StateView, id: string, field: string): Checked<Receipt> {
  const r = read(view, 'receipt', id);
  return r === undefined ? fail('RECEIPT_NOT_FOUND', `no receipt '${id}'`, field) : okValue(r);
}

/** Active or pledged: neither redeemed nor replaced. */
export function operative(r: Receipt, field: string): Failure | undefined {
  if (r.status === 'redeemed') return fail('RECEIPT_REDEEMED', `receipt '${r.id}' was redeemed`, field);
  if (r.status === 'inoperative') return fail('RECEIPT_INOPERATIVE', `receipt '${r.id}' is inoperative (${r.inoperativeReason ?? '?'})`, field);
  return undefined;
}

export const isFrozen = (r: Receipt): boolean => r.frozenBy.length > 0;
export const isPledged = (r: Receipt): boolean => r.status === 'pledged';

/** [CTRL-1] only the holder moves a receipt. */
export function holderSigned(ctx: Ctx, r: Receipt): Failure | undefined {
  return ctx.signers.has(r.holder) ? undefined : fail('RECEIPT_NOT_HOLDER', `holder '${r.holder}' must sign`);
}

export function warehouseSigned(ctx: Ctx, r: Receipt): Failure | undefined {
  return ctx.signers.has(r.warehouse) ? undefined : fail('RECEIPT_NOT_WAREHOUSE', `warehouse '${r.warehouse}' must sign`);
}

/** [LIEN-2] a pledged receipt is not split, merged, redeemed or converted. */
export function notPledged(r: Receipt, field: string): Failure | undefined {
  return isPledged(r) ? fail('RECEIPT_PLEDGED', `receipt '${r.id}' is under the lien ${r.pledge ?? ''}`, field) : undefined;
}

/** [FRZ-1] an open critical alert freezes the receipt. */
export function notFrozen(r: Receipt, field: string): Failure | undefined {
  return isFrozen(r) ? fail('RECEIPT_FROZEN', `receipt '${r.id}' is frozen by ${r.frozenBy.join(', ')}`, field) : undefined;
}

/**
 * The receipt at `field`, operative, signed by its holder, unpledged and unfrozen: what every move by the
 * holder alone needs (split, merge). [CTRL-1] [LIEN-2] [FRZ-1]
 */
export function movableByHolder(view: StateView, ctx: Ctx, id: string, field: string): Checked<Receipt> {
  const r = loadReceipt(view, id, field);
  if (!r.ok) return r;
  return operative(r.value, field) ?? holderSigned(ctx, r.value) ?? notPledged(r.value, field) ?? notFrozen(r.value, field) ?? r;
}

/** The receipt without its `pledge` field (after release or enforcement). */
export function withoutPledge(r: Receipt): Omit<Receipt, 'pledge'> {
  const { pledge: _gone, ...rest } = r;
  return rest;
}

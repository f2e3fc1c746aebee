// Guards over pledges.
import { fail, okValue, type Checked } from './errors.js';
import { read } from './read.js';
import type { Pledge, Receipt } from './state.js';
import type { Ctx, StateView } from './types.js';

/** An active pledge at `field`, signed by its lienholder, with the receipt it covers. [CTRL-2] */
export function lienholderAction(
  view: StateView, ctx: Ctx, id: string, field: string,
): Checked<{ readonly pledge: Pledge; readonly receipt: Receipt }> {
  const pledge = read(view, 'pledge', id);
  if (pledge === undefined) return fail('PLEDGE_NOT_FOUND', `no pledge '${id}'`, field);
  if (!ctx.signers.has(pledge.bank)) return fail('PLEDGE_NOT_LIENHOLDER', `lienholder '${pledge.bank}' must sign`, field); // [CTRL-2]
  if (pledge.status !== 'active') return fail('PLEDGE_NOT_ACTIVE', `pledge '${id}' is ${pledge.status}`, field);
  const receipt = read(view, 'receipt', pledge.receipt);
  if (receipt === undefined || receipt.pledge !== pledge.id) {
    throw new RangeError(`state corrupt: active pledge ${id} does not match receipt ${pledge.receipt}`);
  }
  return okValue({ pledge, receipt });
}

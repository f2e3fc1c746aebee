// Guards about parties: who exists, who is active, who has which role, who signed.
import { fail, okValue, type Checked, type Failure } from './errors.js';
import { read } from './read.js';
import type { GenesisMeta, Party } from './state.js';
import type { Ctx, PartyId, Role, StateView } from './types.js';

/** A registered, active party named at `field`. [AUTH-2] */
export function activeParty(view: StateView, id: PartyId, field: string, roles?: readonly Role[]): Checked<Party> {
  const p = read(view, 'party', id);
  if (p === undefined) return fail('PARTY_NOT_FOUND', `no party '${id}'`, field);
  if (p.status !== 'active') return fail('PARTY_REVOKED', `party '${id}' is revoked`, field); // [AUTH-2]
  if (roles !== undefined && !roles.includes(p.role)) {
    return fail('ROLE_REQUIRED', `party '${id}' is a ${p.role}, not a ${roles.join(' or ')}`, field); // [AUTH-2]
  }
  return okValue(p);
}

/** `id` signed this transaction. [AUTH-1] */
export function signed(ctx: Ctx, id: PartyId, field?: string): Failure | undefined {
  return ctx.signers.has(id) ? undefined : fail('SIGNER_MISSING', `party '${id}' must sign`, field);
}

/** An active party of one of `roles` that signed. [AUTH-1] [AUTH-2] */
export function activeSigner(view: StateView, ctx: Ctx, id: PartyId, field: string, roles?: readonly Role[]): Checked<Party> {
  const p = activeParty(view, id, field, roles);
  if (!p.ok) return p;
  return signed(ctx, id, field) ?? p;
}

/** The genesis operator, which must have signed. [AUTH-3] */
export function operatorSigned(view: StateView, ctx: Ctx): Checked<Party> {
  const g = read(view, 'meta', 'genesis') as GenesisMeta | undefined;
  if (g === undefined) return fail('GENESIS_REQUIRED', 'the ledger has no genesis entry yet');
  return activeSigner(view, ctx, g.operator.id, '', ['operator']);
}

/** The first signer among `ids` in ctx.signers, else SIGNER_MISSING naming them all. */
export function anySigned(ctx: Ctx, ids: readonly PartyId[]): Checked<PartyId> {
  const who = ids.find((id) => ctx.signers.has(id));
  return who === undefined ? fail('SIGNER_MISSING', `one of ${ids.join(', ')} must sign`) : okValue(who);
}

// party.revoke: the operator revokes a party; its key stops working from this entry. [AUTH-3]
import { activeParty, operatorSigned } from '../authority.js';
import { fail } from '../errors.js';
import { done, event } from '../outcome.js';
import { object, partyRef, text } from '../schema-parts.js';
import type { Party } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface PartyRevokeBody {
  readonly party: string;
  readonly reason: string;
}

export const partyRevoke = defineTx<PartyRevokeBody>({
  type: 'party.revoke',
  summary: 'Revoke a party: its signatures are refused from this entry on.',
  signedBy: 'operator',
  schema: object('Revocation', {
    party: partyRef('The party to revoke'),
    reason: text('Why, for the record'),
  }),
  apply(view, body, ctx) {
    const op = operatorSigned(view, ctx); // [AUTH-3]
    if (!op.ok) return op;
    const p = activeParty(view, body.party, '/party');
    if (!p.ok) return p;
    if (p.value.role === 'operator') return fail('PARTY_REVOKE_FORBIDDEN', 'the operator cannot be revoked', '/party'); // [AUTH-3]
    const keyHistory = p.value.keyHistory.map((k) => (k.until === undefined ? { ...k, until: ctx.index } : k));
    const next: Party = { ...p.value, status: 'revoked', keyHistory, revokedIndex: ctx.index, revokedReason: body.reason };
    return done([next], [event('party.revoked', { party: [body.party] })]);
  },
});

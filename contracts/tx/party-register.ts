// party.register: the operator admits a party with its role and key. [AUTH-3]
import { operatorSigned } from '../authority.js';
import { fail } from '../errors.js';
import { keyProblem } from '../keys.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { chosenId, object, oneOf, publicKey, text } from '../schema-parts.js';
import type { Party } from '../state.js';
import { defineTx } from '../tx-handler.js';
import type { Role } from '../types.js';

/** Roles the operator may assign; 'operator' exists only through genesis. */
export const ASSIGNABLE_ROLES: readonly Role[] = ['warehouse', 'holder', 'bank', 'inspector', 'insurer', 'regulator', 'gateway'];

export interface PartyRegisterBody {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  readonly publicKey: string;
}

export const partyRegister = defineTx<PartyRegisterBody>({
  type: 'party.register',
  summary: 'Register a party (warehouse, holder, bank, inspector, insurer, regulator or gateway) with its key.',
  signedBy: 'operator',
  schema: object('A new party', {
    id: chosenId('Party id chosen by the registrant, [a-z0-9][a-z0-9-]{1,62}, unique'),
    role: oneOf('What the party does on the ledger', ASSIGNABLE_ROLES),
    name: text('Display (legal) name'),
    publicKey: publicKey('The party\'s signing key'),
  }),
  apply(view, body, ctx, services) {
    const op = operatorSigned(view, ctx); // [AUTH-3]
    if (!op.ok) return op;
    if (read(view, 'party', body.id) !== undefined) return fail('PARTY_EXISTS', `party '${body.id}' exists`, '/id'); // [ID-1]
    const bad = keyProblem(body.publicKey, services); // [KEY-1]
    if (bad !== undefined) return fail('KEY_INVALID', bad, '/publicKey');
    const party: Party = {
      kind: 'party', id: body.id, role: body.role, name: body.name, publicKey: body.publicKey, status: 'active',
      keyHistory: [{ publicKey: body.publicKey, from: ctx.index + 1 }], registeredIndex: ctx.index,
    };
    return done([party], [event('party.registered', { party: [body.id] }, { role: body.role })]);
  },
});

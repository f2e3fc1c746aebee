// ledger.genesis: the entry at index 0. Names the log and its operator. [GEN-1]
import { signed } from '../authority.js';
import { fail } from '../errors.js';
import { keyProblem } from '../keys.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { chosenId, object, publicKey, text } from '../schema-parts.js';
import type { GenesisMeta, Party } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface GenesisBody {
  readonly origin: string;
  readonly operator: { readonly id: string; readonly name: string; readonly publicKey: string };
}

export const ledgerGenesis = defineTx<GenesisBody>({
  type: 'ledger.genesis',
  summary: 'Start the ledger: name its origin and its operator.',
  signedBy: 'the operator named in the body (verified against body.operator.publicKey)',
  schema: object('Genesis of the ledger', {
    origin: text('Log origin: the first line of every checkpoint, e.g. ledgerhouse.example/log', 255),
    operator: object('The operator party, the only one who registers and revokes parties', {
      id: chosenId('Operator party id, [a-z0-9][a-z0-9-]{1,62}'),
      name: text('Operator display name'),
      publicKey: publicKey('Operator key'),
    }),
  }),
  apply(view, body, ctx, services) {
    if (read(view, 'meta', 'genesis') !== undefined) return fail('GENESIS_DONE', 'genesis already happened'); // [GEN-1]
    if (ctx.index !== 0) return fail('GENESIS_NOT_FIRST', `genesis must be index 0, not ${ctx.index}`); // [GEN-1]
    const bad = keyProblem(body.operator.publicKey, services); // [KEY-1]
    if (bad !== undefined) return fail('KEY_INVALID', bad, '/operator/publicKey');
    const notSigned = signed(ctx, body.operator.id, '/operator/id');
    if (notSigned) return notSigned;
    const { id, name, publicKey: key } = body.operator;
    const operator: Party = {
      kind: 'party', id, role: 'operator', name, publicKey: key, status: 'active',
      keyHistory: [{ publicKey: key, from: ctx.index }], registeredIndex: ctx.index,
    };
    const meta: GenesisMeta = { kind: 'meta', id: 'genesis', origin: body.origin, operator: { id, name, publicKey: key } };
    return done([operator, meta], [event('ledger.genesis', { party: [id], meta: ['genesis'] }, { origin: body.origin })]);
  },
});

// party.rotateKey: a party replaces its key, signing with the current one. [KEY-2]
import { activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { keyProblem } from '../keys.js';
import { done, event } from '../outcome.js';
import { object, partyRef, publicKey } from '../schema-parts.js';
import type { KeyPeriod, Party } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface PartyRotateKeyBody {
  readonly party: string;
  readonly publicKey: string;
}

export const partyRotateKey = defineTx<PartyRotateKeyBody>({
  type: 'party.rotateKey',
  summary: 'Replace a party\'s key; the old key stops working from the next entry.',
  signedBy: 'the party, with its current key',
  schema: object('Key rotation', {
    party: partyRef('The party whose key changes'),
    publicKey: publicKey('The new key'),
  }),
  apply(view, body, ctx, services) {
    const p = activeSigner(view, ctx, body.party, '/party'); // [KEY-2] signed by the current key
    if (!p.ok) return p;
    const bad = keyProblem(body.publicKey, services); // [KEY-1]
    if (bad !== undefined) return fail('KEY_INVALID', bad, '/publicKey');
    const party = p.value;
    if (party.keyHistory.some((k) => k.publicKey === body.publicKey)) {
      return fail('KEY_REUSED', 'the party held this key before', '/publicKey'); // [KEY-2]
    }
    // [KEY-2] the old key signed this entry and no later one; the new key signs from the next entry.
    const closed: KeyPeriod[] = party.keyHistory.map((k) => (k.until === undefined ? { ...k, until: ctx.index + 1 } : k));
    const next: Party = {
      ...party, publicKey: body.publicKey, keyHistory: [...closed, { publicKey: body.publicKey, from: ctx.index + 1 }],
    };
    return done([next], [event('party.keyRotated', { party: [party.id] })]);
  },
});

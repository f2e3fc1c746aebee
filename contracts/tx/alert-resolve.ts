// alert.resolve: the pledge's bank or the receipt's warehouse closes an alert; the last open critical alert
// unfreezes the receipt. [FRZ-1] [FRZ-2]
import { anySigned } from '../authority.js';
import { fail } from '../errors.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { object, objectRef, text } from '../schema-parts.js';
import type { Alert, Receipt } from '../state.js';
import { defineTx } from '../tx-handler.js';
import type { PartyId } from '../types.js';

export interface AlertResolveBody {
  readonly alert: string;
  readonly resolution: string;
}

export const alertResolve = defineTx<AlertResolveBody>({
  type: 'alert.resolve',
  summary: 'Resolve an open alert; a receipt unfreezes when no critical alert on it remains open.',
  signedBy: 'the bank of the alert\'s pledge, or the receipt\'s warehouse',
  schema: object('Resolution', {
    alert: objectRef('The alert id'),
    resolution: text('What was done about it, for the record', 1024),
  }),
  apply(view, body, ctx) {
    const alert = read(view, 'alert', body.alert);
    if (alert === undefined) return fail('ALERT_NOT_FOUND', `no alert '${body.alert}'`, '/alert');
    const bank = alert.pledge === undefined ? undefined : read(view, 'pledge', alert.pledge)?.bank;
    const resolvers: PartyId[] = bank === undefined ? [alert.warehouse] : [bank, alert.warehouse];
    const who = anySigned(ctx, resolvers); // [FRZ-2]
    if (!who.ok) return fail('ALERT_NOT_RESOLVER', who.error.message, '/alert');
    if (alert.status !== 'open') return fail('ALERT_NOT_OPEN', `alert '${alert.id}' is resolved`, '/alert');
    const resolved: Alert = { ...alert, status: 'resolved', resolvedBy: who.value, resolvedIndex: ctx.index, resolution: body.resolution };
    const writes: (Alert | Receipt)[] = [resolved];
    const r = read(view, 'receipt', alert.receipt);
    if (r !== undefined && r.frozenBy.includes(alert.id)) { // [FRZ-1]
      writes.push({ ...r, frozenBy: r.frozenBy.filter((a) => a !== alert.id), updatedIndex: ctx.index });
    }
    return done(writes, [event('alert.resolved', { alert: [alert.id], receipt: [alert.receipt] }, { covenant: alert.covenant })]);
  },
});

// device.revoke: the owning warehouse retires a device; its readings are refused from then on. [DEV-1]
import { fail } from '../errors.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { object, objectRef, text } from '../schema-parts.js';
import type { Device } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface DeviceRevokeBody {
  readonly device: string;
  readonly reason: string;
}

export const deviceRevoke = defineTx<DeviceRevokeBody>({
  type: 'device.revoke',
  summary: 'Revoke a device.',
  signedBy: 'the owning warehouse',
  schema: object('Device revocation', {
    device: objectRef('The device id'),
    reason: text('Why, for the record'),
  }),
  apply(view, body, ctx) {
    const d = read(view, 'device', body.device);
    if (d === undefined) return fail('DEVICE_NOT_FOUND', `no device '${body.device}'`, '/device');
    if (!ctx.signers.has(d.warehouse)) return fail('DEVICE_NOT_OWNER', `warehouse '${d.warehouse}' must sign`, '/device'); // [DEV-1]
    if (d.status === 'revoked') return fail('DEVICE_REVOKED', `device '${d.id}' is already revoked`, '/device');
    const next: Device = { ...d, status: 'revoked', revokedIndex: ctx.index };
    return done([next], [event('device.revoked', { device: [d.id], party: [d.warehouse] })]);
  },
});

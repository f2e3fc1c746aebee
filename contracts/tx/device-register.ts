// device.register: a warehouse binds a sensor (and its key) to one of its sites, optionally to a lot. [DEV-1]
import { activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { keyProblem } from '../keys.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { chosenId, list, lotRef, object, oneOf, partyRef, publicKey, text } from '../schema-parts.js';
import { DEVICE_KINDS, type Device, type DeviceKind } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface DeviceRegisterBody {
  readonly id: string;
  readonly warehouse: string;
  readonly site: string;
  readonly lot?: string;
  readonly kinds: readonly DeviceKind[];
  readonly publicKey: string;
}

export const deviceRegister = defineTx<DeviceRegisterBody>({
  type: 'device.register',
  summary: 'Register a sensor device with its key at a warehouse site.',
  signedBy: 'the owning warehouse',
  schema: object('A device', {
    id: chosenId('Device id chosen by the warehouse, [a-z0-9][a-z0-9-]{1,62}, unique on the ledger'),
    warehouse: partyRef('The owning warehouse'),
    site: text('The site where the device is installed', 128),
    kinds: list('What the device measures', oneOf('Measurement kind', DEVICE_KINDS), 1, DEVICE_KINDS.length),
    publicKey: publicKey('The device\'s reading-signing key'),
  }, {
    lot: lotRef('The lot the device watches, when bound to one'),
  }),
  apply(view, body, ctx, services) {
    const w = activeSigner(view, ctx, body.warehouse, '/warehouse', ['warehouse']); // [DEV-1]
    if (!w.ok) return w;
    if (read(view, 'device', body.id) !== undefined) return fail('DEVICE_EXISTS', `device '${body.id}' exists`, '/id'); // [ID-1]
    const bad = keyProblem(body.publicKey, services); // [KEY-1]
    if (bad !== undefined) return fail('KEY_INVALID', bad, '/publicKey');
    const device: Device = {
      kind: 'device', id: body.id, warehouse: body.warehouse, site: body.site,
      ...(body.lot === undefined ? {} : { lot: body.lot }),
      kinds: [...body.kinds], publicKey: body.publicKey, status: 'active', registeredIndex: ctx.index,
    };
    return done([device], [event('device.registered', { device: [body.id], party: [body.warehouse] })]);
  },
});

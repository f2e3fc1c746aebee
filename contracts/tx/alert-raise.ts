// alert.raise: the gateway's covenant monitor records a breach. A critical alert freezes the receipt. [FRZ-1] [FRZ-2]
import { activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { objectId } from '../ids.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { loadReceipt, operative } from '../receipt-guards.js';
import { list, object, objectRef, oneOf, partyRef, sha256Hex, text, utcTime } from '../schema-parts.js';
import { SEVERITIES, type Alert, type Receipt, type Severity } from '../state.js';
import { defineTx } from '../tx-handler.js';

export interface AlertRaiseBody {
  readonly gateway: string;
  readonly receipt: string;
  readonly pledge?: string;
  readonly severity: Severity;
  readonly covenant: string;
  readonly message: string;
  readonly observedAt: string;
  readonly devices: readonly string[];
  readonly batchRoot?: string;
}

export const ALERT_COVENANTS = [
  'quantityFloor', 'temperature', 'humidity', 'geofence', 'cameraHeartbeat', 'deviceSilence', 'doorHours', 'other',
] as const;

export const alertRaise = defineTx<AlertRaiseBody>({
  type: 'alert.raise',
  summary: 'Raise an alert on a receipt (a covenant breach); a critical alert freezes the receipt.',
  signedBy: 'gateway',
  schema: object('An alert', {
    gateway: partyRef('The gateway party raising the alert'),
    receipt: objectRef('The receipt whose goods are concerned (operative)'),
    severity: oneOf('critical freezes the receipt until resolved', SEVERITIES),
    covenant: oneOf('The covenant breached', ALERT_COVENANTS),
    message: text('What was observed, for people', 1024),
    observedAt: utcTime('Time of the reading that showed the breach'),
    devices: list('Devices whose readings show the breach', objectRef('Device id'), 0, 64),
  }, {
    pledge: objectRef('The active pledge whose covenant was breached'),
    batchRoot: sha256Hex('Merkle root of the anchored batch holding the evidence'),
  }),
  apply(view, body, ctx) {
    const gw = activeSigner(view, ctx, body.gateway, '/gateway', ['gateway']); // [FRZ-2]
    if (!gw.ok) return gw;
    const r = loadReceipt(view, body.receipt, '/receipt');
    if (!r.ok) return r;
    const inop = operative(r.value, '/receipt');
    if (inop) return inop;
    if (body.pledge !== undefined) {
      const p = read(view, 'pledge', body.pledge);
      if (p === undefined) return fail('PLEDGE_NOT_FOUND', `no pledge '${body.pledge}'`, '/pledge');
      if (p.receipt !== r.value.id) return fail('ALERT_PLEDGE_MISMATCH', `pledge covers '${p.receipt}'`, '/pledge');
      if (p.status !== 'active') return fail('PLEDGE_NOT_ACTIVE', `pledge is ${p.status}`, '/pledge');
    }
    const unknown = body.devices.findIndex((d) => read(view, 'device', d) === undefined);
    if (unknown >= 0) return fail('DEVICE_NOT_FOUND', `no device '${body.devices[unknown] ?? ''}'`, `/devices/${unknown}`);
    const id = objectId('al', ctx.index);
    const alert: Alert = {
      kind: 'alert', id, receipt: r.value.id, ...(body.pledge === undefined ? {} : { pledge: body.pledge }),
      warehouse: r.value.warehouse, site: r.value.site, severity: body.severity, status: 'open',
      covenant: body.covenant, message: body.message, observedAt: body.observedAt, devices: [...body.devices],
      ...(body.batchRoot === undefined ? {} : { batchRoot: body.batchRoot }),
      raisedBy: body.gateway, raisedIndex: ctx.index,
    };
    const writes: (Alert | Receipt)[] = [alert];
    if (body.severity === 'critical') { // [FRZ-1]
      writes.push({ ...r.value, frozenBy: [...r.value.frozenBy, id], updatedIndex: ctx.index });
    }
    return done(writes, [event('alert.raised', { alert: [id], receipt: [r.value.id], ...(body.pledge ? { pledge: [body.pledge] } : {}) }, { severity: body.severity, covenant: body.covenant })]);
  },
});

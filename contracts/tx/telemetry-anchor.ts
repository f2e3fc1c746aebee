// telemetry.anchor: a gateway anchors the Merkle root of a batch of readings. [ANC-1]
import { activeSigner } from '../authority.js';
import { fail } from '../errors.js';
import { done, event } from '../outcome.js';
import { read } from '../read.js';
import { integer, list, object, objectRef, partyRef, sha256Hex, utcTime } from '../schema-parts.js';
import type { AnchorMeta } from '../state.js';
import { timeValue } from '../time.js';
import { defineTx } from '../tx-handler.js';
import type { StateView } from '../types.js';

export interface TelemetryAnchorBody {
  readonly gateway: string;
  readonly batchRoot: string;
  readonly readings: number;
  readonly firstReadingAt: string;
  readonly lastReadingAt: string;
  readonly devices: readonly string[];
}

export const MAX_BATCH_READINGS = 10_000_000;

function counted(view: StateView, id: string): { totalReadings: number; batches: number } {
  const m = read(view, 'meta', id) as AnchorMeta | undefined;
  return { totalReadings: m?.totalReadings ?? 0, batches: m?.batches ?? 0 };
}

export const telemetryAnchor = defineTx<TelemetryAnchorBody>({
  type: 'telemetry.anchor',
  summary: 'Anchor the RFC 6962 Merkle root of a batch of device readings.',
  signedBy: 'gateway',
  schema: object('A batch anchor', {
    gateway: partyRef('The gateway party that built the batch'),
    batchRoot: sha256Hex('RFC 6962 Merkle root of the batch\'s readings'),
    readings: integer('Number of readings in the batch', 1, MAX_BATCH_READINGS),
    firstReadingAt: utcTime('Time of the earliest reading in the batch'),
    lastReadingAt: utcTime('Time of the latest reading in the batch'),
    devices: list('Devices with readings in the batch', objectRef('Device id'), 1, 4096),
  }),
  apply(view, body, ctx) {
    const gw = activeSigner(view, ctx, body.gateway, '/gateway', ['gateway']); // [ANC-1]
    if (!gw.ok) return gw;
    const first = timeValue(body.firstReadingAt);
    const last = timeValue(body.lastReadingAt);
    if (first === undefined) return fail('TIME_INVALID', 'not a real UTC time', '/firstReadingAt');
    if (last === undefined || last < first) return fail('TIME_INVALID', 'lastReadingAt must not precede firstReadingAt', '/lastReadingAt'); // [ANC-1]
    const unknown = body.devices.findIndex((d) => read(view, 'device', d) === undefined); // [ANC-1]
    if (unknown >= 0) return fail('DEVICE_NOT_FOUND', `no device '${body.devices[unknown] ?? ''}'`, `/devices/${unknown}`);
    const fields = {
      kind: 'meta', gateway: body.gateway, index: ctx.index, anchoredAt: ctx.time, batchRoot: body.batchRoot,
      readings: body.readings, firstReadingAt: body.firstReadingAt, lastReadingAt: body.lastReadingAt,
    } as const;
    const metas: AnchorMeta[] = ['anchor', `anchor:${body.gateway}`].map((id) => {
      const c = counted(view, id);
      return { ...fields, id, totalReadings: c.totalReadings + body.readings, batches: c.batches + 1 };
    });
    return done(metas, [event('telemetry.anchored', { meta: metas.map((m) => m.id), device: [...body.devices] }, { readings: body.readings })]);
  },
});

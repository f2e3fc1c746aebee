// The MQTT topic tree and its access rules (DESIGN.md "Interfaces"). Pure.
//   lh/v1/{warehouseId}/{deviceId}/telemetry|camera|status   device → gateway (publish, own prefix only)
//   lh/v1/{warehouseId}/{deviceId}/cmd                       gateway → device (subscribe, own only)
import { CHOSEN_ID_PATTERN } from '../../contracts/ids.js';
import { CHANNELS, type Channel } from '../formats/telemetry-message.js';
import type { Arrival } from '../verify/verify-message.js';

export const TOPIC_ROOT = 'lh/v1';
/** What the gateway subscribes to on an external broker; `$share/<group>/` splits it across gateways. */
export const INTAKE_FILTER = `${TOPIC_ROOT}/+/+/+`;
export const SHARE_GROUP = 'ledgerhouse';

const ID = CHOSEN_ID_PATTERN.slice(1, -1); // the pattern without its anchors
const TOPIC = new RegExp(`^lh/v1/(${ID})/(${ID})/([a-z]+)$`);

export function telemetryTopic(warehouse: string, device: string, channel: Channel): string {
  return `${TOPIC_ROOT}/${warehouse}/${device}/${channel}`;
}

export function commandTopic(warehouse: string, device: string): string {
  return `${TOPIC_ROOT}/${warehouse}/${device}/cmd`;
}

/** The warehouse, device and channel of an intake topic; undefined for anything else. */
export function parseTopic(topic: string): Arrival | undefined {
  const m = TOPIC.exec(topic);
  if (m === null) return undefined;
  const channel = m[3] as Channel;
  if (!(CHANNELS as readonly string[]).includes(channel)) return undefined;
  return { warehouse: m[1]!, device: m[2]!, channel };
}

/** Why `device` (of `warehouse`) may not publish on `topic`, or undefined when it may. [MQTT-3.3.5-2] */
export function publishDenied(device: string, warehouse: string, topic: string): string | undefined {
  const a = parseTopic(topic);
  if (a === undefined) return `'${topic}' is not a telemetry topic (${TOPIC_ROOT}/{warehouse}/{device}/${CHANNELS.join('|')})`;
  if (a.device !== device || a.warehouse !== warehouse) return `device '${device}' may publish only under ${TOPIC_ROOT}/${warehouse}/${device}/`;
  return undefined;
}

/** A device may subscribe to exactly its own command topic (no wildcards). */
export function subscribeAllowed(device: string, warehouse: string, filter: string): boolean {
  return filter === commandTopic(warehouse, device);
}

// The gateway's settings from the node's Config: one mapping for the gateway on the main thread and in its own
// thread (server/gateway-thread/).
import type { GatewayOptions } from '../iot-gateway/index.js';
import type { Config } from './config.js';

/** The party the telemetry gateway signs anchors and alerts as. */
export const GATEWAY_ID = 'gateway';

export function gatewayOptions(config: Config): GatewayOptions {
  return {
    mqttHost: config.mqttHost, mqttPort: config.mqttPort, batchMs: config.batchMs, batchMax: config.batchMax,
    ...(config.mqttUrl === undefined ? {} : { mqttUrl: config.mqttUrl, mqttSessions: config.mqttSessions }),
    ...(config.mqttTlsCert === undefined || config.mqttTlsKey === undefined ? {} : { tls: { certFile: config.mqttTlsCert, keyFile: config.mqttTlsKey } }),
    rate: { perSecond: config.deviceRate, burst: config.deviceBurst }, maxQueue: config.telemetryQueue, groupDelayMs: config.groupCommitMs,
    skew: { maxFutureMs: config.telemetryMaxFutureMs, maxAgeMs: config.telemetryMaxAgeMs },
    workerNice: config.workerNice,
  };
}

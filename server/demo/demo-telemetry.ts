// The demo's devices streaming live readings into the embedded broker, within the pledge's covenants, so the
// dashboard and collateral view show live data right after `npm start`. Uses the demo device key files.
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { Gateway } from '../../iot-gateway/index.js';
import { simulate, type Simulation, type SimDevice } from '../../iot-gateway/simulator/simulator.js';
import { readKeyFile } from '../../ledger/crypto/keys.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';
import { DEMO_DEVICES, DEMO_LOCATION, DEMO_WAREHOUSE } from './demo-scenario.js';

/** One reading per device every 5 s. */
export const DEMO_RATE = 0.2;
/** The copper lot's 125 t on one scale. */
export const DEMO_LOAD_KG = 125_000;

export function demoDevices(dataDir: string): SimDevice[] | undefined {
  const files = DEMO_DEVICES.map((d) => path.join(dataDir, 'demo', 'keys', `${d.id}.key.json`));
  if (!files.every((f) => existsSync(f))) return undefined;
  return DEMO_DEVICES.map((d, i) => {
    const k = readKeyFile(files[i]!);
    return { id: d.id, kind: d.kinds[0]!, seed: k.seed, publicKey: toBase64(k.publicKey) };
  });
}

/** Start the demo feed against the embedded broker; undefined when there is no demo data or no embedded broker. */
export async function startDemoTelemetry(gateway: Gateway, mqttHost: string, dataDir: string): Promise<Simulation | undefined> {
  const devices = demoDevices(dataDir);
  if (devices === undefined || gateway.mqttPort === 0) return undefined;
  const startSeq: Record<string, number> = {};
  for (const d of devices) startSeq[d.id] = ((await gateway.telemetry.highWater(d.id)) ?? -1) + 1;
  return simulate({
    url: `mqtt://${mqttHost}:${gateway.mqttPort}`, warehouse: DEMO_WAREHOUSE, devices, rate: DEMO_RATE,
    site: DEMO_LOCATION, loadKg: DEMO_LOAD_KG, startSeq, qos: 1,
  });
}

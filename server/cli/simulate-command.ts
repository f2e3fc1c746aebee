// `ledgerhouse simulate`: devices publishing signed readings to a broker, with fault injection.
import path from 'node:path';
import type { Command } from 'commander';
import { FAULTS, type FaultKind } from '../../iot-gateway/simulator/device-model.js';
import { deviceRegistrations, simulate, simulatedDevices, type Fault, type SimDevice } from '../../iot-gateway/simulator/simulator.js';
import { readKeyFile } from '../../ledger/crypto/keys.js';
import { signTx } from '../../ledger/tx/sign-tx.js';
import { loadConfig } from '../config.js';
import { DEMO_LOCATION, DEMO_SITE, DEMO_WAREHOUSE } from '../demo/demo-scenario.js';
import { DEMO_LOAD_KG } from '../demo/demo-telemetry.js';
import { CliError } from './cli-error.js';

interface SimulateFlags {
  devices: string;
  lot?: string;
  rate: string;
  duration?: string;
  mqtt?: string;
  url: string;
  fault: string[];
  dataDir?: string;
  warehouseKey?: string;
}

export function parseFault(spec: string): Fault {
  const [kind, device, after] = spec.split(':');
  if (!FAULTS.includes(kind as FaultKind) || device === undefined || device === '' || !/^\d+$/.test(after ?? '0')) {
    throw new CliError(`--fault ${spec}: expected <kind>:<device>[:<seconds after start>]`, `kinds: ${FAULTS.join(', ')}`);
  }
  return { kind: kind as FaultKind, device, afterMs: Number(after ?? '0') * 1000 };
}

async function registerDevices(devices: readonly SimDevice[], url: string, keyFile: string, lot: string | undefined): Promise<void> {
  const key = readKeyFile(keyFile);
  for (const body of deviceRegistrations(devices, key.name, DEMO_SITE, lot)) {
    const tx = { v: 1 as const, type: 'device.register', nonce: `simulate-register-${body.id}`, ts: new Date().toISOString(), body };
    const res = await fetch(new URL('/v1/transactions', url), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx, sigs: [signTx(tx, key.name, key.seed)] }),
    });
    const answer = (await res.json()) as { code?: string; detail?: string };
    if (!res.ok && answer.code !== 'DEVICE_EXISTS') throw new CliError(`registering ${body.id} failed: ${answer.code ?? res.status}: ${answer.detail ?? ''}`);
  }
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('simulate warehouse devices publishing signed readings over MQTT, with optional faults')
    .option('--devices <n>', 'how many devices (registered as sim-1…sim-N by the warehouse key via --url; kinds round-robin: load-cell, temperature, humidity, rfid, door, gps, camera)', '5')
    .option('--lot <ref>', 'bind the devices to this lot (e.g. the demo copper lot CU-2026-017) so the covenant monitor watches them')
    .option('--rate <r>', 'readings per second per device', '1')
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)')
    .option('--mqtt <url>', 'broker URL (default: mqtt://LH_MQTT_HOST:LH_MQTT_PORT)')
    .option('--url <url>', 'server URL for registering new devices', 'http://127.0.0.1:8080')
    .option('--fault <kind:device:seconds>', `inject a fault (${FAULTS.join(', ')}); repeatable`, (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--warehouse-key <file>', 'key file of the warehouse registering new devices (default: the demo warehouse)')
    .option('--data-dir <dir>', 'data directory (default: LH_DATA_DIR or ./data)')
    .action(async (flags: SimulateFlags) => {
      const config = loadConfig();
      const dataDir = path.resolve(flags.dataDir ?? config.dataDir);
      const rate = Number(flags.rate);
      if (!(rate > 0 && rate <= 10_000)) throw new CliError(`--rate ${flags.rate}: expected a number in (0, 10000]`);
      const faults = flags.fault.map(parseFault);
      const n = Number(flags.devices);
      if (!Number.isSafeInteger(n) || n < 1 || n > 100_000) throw new CliError(`--devices ${flags.devices}: expected 1–100000`);
      const devices = simulatedDevices(n, { secret: `ledgerhouse-cli:${dataDir}`, prefix: 'sim' });
      const keyFile = flags.warehouseKey ?? path.join(dataDir, 'demo', 'keys', `${DEMO_WAREHOUSE}.key.json`);
      const warehouse = readKeyFile(keyFile).name;
      await registerDevices(devices, flags.url, keyFile, flags.lot);
      const url = flags.mqtt ?? `mqtt://${config.mqttHost}:${config.mqttPort}`;
      const sim = await simulate({
        url, warehouse, devices, rate, faults, site: DEMO_LOCATION, loadKg: DEMO_LOAD_KG, startSeq: Object.fromEntries(devices.map((d) => [d.id, Math.floor(Date.now() / 1000) * 1000])), qos: 1,
        ...(flags.duration === undefined ? {} : { durationMs: Number(flags.duration) * 1000 }),
      }).catch((e: unknown) => {
        throw new CliError(`cannot connect to ${url}: ${(e as Error).message}`, 'is the system running (npm start)? pass --mqtt for another broker');
      });
      process.stdout.write(`simulating ${devices.length} device(s) at ${rate}/s each on ${url}${faults.length > 0 ? ` with ${faults.length} fault(s)` : ''}; Ctrl-C to stop\n`);
      const timer = setInterval(() => process.stdout.write(`${JSON.stringify(sim.stats())}\n`), 5000);
      process.once('SIGINT', () => void sim.stop());
      const stats = await sim.done;
      clearInterval(timer);
      process.stdout.write(`${JSON.stringify(stats)}\n`);
    });
}

// A gateway on a real ledger: embedded aedes on port 0, telemetry in SQLite on a temp file, silent logs.
import path from 'node:path';
import { pino } from 'pino';
import { createGateway, type Gateway, type GatewayOptions } from '../../../iot-gateway/index.js';
import { SqliteTelemetryStore } from '../../../iot-gateway/store/sqlite-telemetry-store.js';
import { GATEWAY_ID } from '../../../server/system.js';
import { tempDir } from '../../support/temp-dir.js';
import { endAll } from './devices.js';
import { openWorld, type World } from './world.js';

export interface GatewayWorld {
  readonly w: World;
  gw: Gateway;
  readonly file: string;
  /** Close the gateway and open a new one on the same telemetry file. */
  restart(opts?: Partial<GatewayOptions>, close?: { anchor?: boolean }): Promise<Gateway>;
  close(): Promise<void>;
}

export const silent = pino({ level: 'silent' });

export async function openGatewayWorld(opts: Partial<GatewayOptions> = {}): Promise<GatewayWorld> {
  const w = await openWorld('memory');
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'telemetry.db');
  let store = new SqliteTelemetryStore(file);
  const start = (o: Partial<GatewayOptions>) => createGateway({
    telemetry: store, pipeline: w.h.pipeline, store: w.h.store, gateway: { id: GATEWAY_ID, seed: w.gateway.seed },
    clock: w.h.clock, logger: silent, options: { mqttHost: '127.0.0.1', mqttPort: 0, batchMs: 60_000, batchMax: 1000, ...opts, ...o },
  });
  const world: GatewayWorld = {
    w, file, gw: await start({}),
    async restart(o = {}, c = {}) {
      await world.gw.close(c);
      await store.close();
      store = new SqliteTelemetryStore(file);
      world.gw = await start(o);
      return world.gw;
    },
    async close() {
      await endAll();
      await world.gw.close();
      await store.close();
      await w.h.close();
      tmp.remove();
    },
  };
  return world;
}

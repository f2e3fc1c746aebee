// Child process for the whole-node SIGKILL test: a node (LH_ROLE=all, the gateway in its own thread) on the given
// data directory; on first start it registers the test's warehouse and device. Prints its MQTT port, then waits
// to be killed.
import { systemClock } from '../../../ledger/clock.js';
import { startSystem } from '../../../server/system.js';
import { registerWarehouseDevice } from '../../support/ledger-harness.js';
import { threadedNodeConfig } from './node-config.js';

const [dir, warehouse, device] = process.argv.slice(2);
if (dir === undefined || warehouse === undefined || device === undefined) throw new Error('usage: node-child.ts <data dir> <warehouse> <device>');
const system = await startSystem(threadedNodeConfig(dir, { LH_BATCH_MS: '25' }), systemClock);
await registerWarehouseDevice(system, warehouse, device);
process.stdout.write(`${JSON.stringify({ port: system.mqttPort })}\n`);
setInterval(() => undefined, 60_000); // stay up until killed

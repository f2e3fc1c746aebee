// Child process for the SIGKILL test: runs the gateway on the given SQLite file and prints its MQTT port.
import { openFileSystem } from './file-ledger.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: gateway-child.ts <sqlite file>');
const sys = await openFileSystem(file, 25);
process.stdout.write(`${JSON.stringify({ port: sys.gw.mqttPort })}\n`);
setInterval(() => undefined, 60_000); // stay up until killed

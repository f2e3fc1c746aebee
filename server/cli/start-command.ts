import type { Command } from 'commander';
import { systemClock } from '../../ledger/clock.js';
import { ConfigError, loadConfig } from '../config.js';
import { formatDemoSummary } from '../demo/format-demo-summary.js';
import { startNode } from '../system.js';
import { CliError } from './cli-error.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the whole system on its embedded defaults (see the configuration table in the README)')
    .action(async () => {
      let config;
      try {
        config = loadConfig();
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(e.message, 'fix the variable or unset it to use the default');
        throw e;
      }
      let system;
      try {
        system = await startNode(config, systemClock);
      } catch (e) {
        const err = e as NodeJS.ErrnoException & { port?: number };
        if (err.code === 'EADDRINUSE') {
          throw new CliError(`port ${err.port ?? ''} is already in use`, 'choose another with LH_HTTP_PORT=… (HTTP) or LH_MQTT_PORT=… (MQTT), or stop what holds it');
        }
        throw e;
      }
      const url = system.httpUrl;
      const mqtt = system.mqttPort === 0 ? `  MQTT            external broker ${config.mqttUrl ?? ''}` : `  MQTT            mqtt://${config.mqttHost}:${system.mqttPort} (devices publish to lh/v1/<warehouse>/<device>/telemetry)`;
      process.stdout.write(
        [
          '',
          `Ledgerhouse is running${config.role === 'all' ? '' : ` (LH_ROLE=${config.role})`}.`,
          ...(url === undefined ? [] : [
            `  API             ${url}/v1/health`,
            `  checkpoint      ${url}/v1/ledger/checkpoint`,
            `  log key         ${url}/v1/ledger/key`,
          ]),
          `  data directory  ${config.dataDir}`,
          `  log size        ${system.pipeline.size} entries`,
          ...(url === undefined ? [] : [
            `  API reference   ${url}/v1/docs`,
            `  verifier        ${url}/verify/<receipt id>`,
            `  bank dashboard  ${url}/dashboard`,
            `  warehouse view  ${url}/warehouse`,
          ]),
          ...(system.gateway === undefined ? [] : [mqtt]),
          '',
          ...(system.demo === undefined || url === undefined ? [] : [formatDemoSummary(system.demo, url), '']),
          'Press Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stdout.write('\nstopping… ');
      await system.close();
      process.stdout.write('stopped cleanly.\n');
    });
}

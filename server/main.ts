// `ledgerhouse` — the command line. The only module that reads flags and the environment (via loadConfig).
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './cli/audit-commands.js';
import { registerDocsCommand } from './cli/docs-command.js';
import { registerKeyCommands } from './cli/key-commands.js';
import { registerSimulateCommand } from './cli/simulate-command.js';
import { registerStartCommand } from './cli/start-command.js';
import { registerTokenCommands } from './cli/token-commands.js';
import { registerTxCommand } from './cli/tx-command.js';
import { CliError } from './cli/cli-error.js';

const program = new Command('ledgerhouse')
  .description('Ledgerhouse: electronic warehouse receipts and pledges on a verifiable log')
  .option('--verbose', 'print stack traces on errors')
  .exitOverride();

registerStartCommand(program);
registerAuditCommands(program);
registerKeyCommands(program);
registerTokenCommands(program);
registerDocsCommand(program);
registerSimulateCommand(program);
registerTxCommand(program);
(await import('./cli/verify-pdf-command.js')).registerVerifyPdfCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
  if (e instanceof CliError) {
    process.stderr.write(`ledgerhouse: ${e.message}\n${e.hint === undefined ? '' : `  → ${e.hint}\n`}`);
  } else {
    process.stderr.write(`ledgerhouse: ${(e as Error).message ?? String(e)}\n`);
  }
  if (verbose) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
}

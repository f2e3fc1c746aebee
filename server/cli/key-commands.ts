import path from 'node:path';
import type { Command } from 'commander';
import { generateKeyPair, writeKeyFile } from '../../ledger/crypto/keys.js';
import { toBase64 } from '../../ledger/encoding/bytes.js';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Ed25519 key files for parties and devices');
  keys
    .command('new')
    .description('generate a key pair into a key file (mode 0600) and print its public key')
    .requiredOption('--name <name>', 'who the key belongs to (a party or device id)')
    .requiredOption('--out <file>', 'where to write the key file (refuses to overwrite)')
    .action((flags: { name: string; out: string }) => {
      const kp = generateKeyPair();
      writeKeyFile(path.resolve(flags.out), flags.name, kp);
      process.stdout.write(`${JSON.stringify({ name: flags.name, publicKey: toBase64(kp.publicKey), file: path.resolve(flags.out) })}\n`);
    });
}

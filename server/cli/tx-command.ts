// `ledgerhouse tx <type>`: build, sign and submit any transaction type; `tx-sign` and `tx-submit` for signers who
// do not share keys (one writes the transaction with --out, the others add signatures, anyone submits it).
import path from 'node:path';
import type { Command } from 'commander';
import { TX_TYPES, txBodySchema, txInfo, type SignedTx } from '../../contracts/index.js';
import { REGISTRY } from '../../contracts/registry.js';
import { txHash } from '../../ledger/tx/tx-hash.js';
import { CliError } from './cli-error.js';
import { buildBody, type BodyFlags } from './tx/build-body.js';
import { rejection } from './tx/rejection.js';
import { addSignatures, checkNonce, loadSignerKeys, newTx, randomNonce, readTxFile, replaceTxFile, writeNewTxFile } from './tx/signing.js';
import { resolveTarget, submit, type Target, type TargetFlags } from './tx/submit.js';
import { typeHelp, typeListHelp } from './tx/type-help.js';

interface TxFlags extends BodyFlags, TargetFlags {
  readonly key: readonly string[];
  readonly nonce?: string;
  readonly out?: string;
  readonly help?: boolean;
}

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

function checkType(type: string): void {
  if (!TX_TYPES.includes(type)) {
    throw new CliError(`unknown transaction type '${type}'`, `valid types: ${TX_TYPES.join(', ')} (\`ledgerhouse tx --help\` describes them)`);
  }
}

/** The same schema check the ledger makes, before anyone signs: a malformed body fails here, not after a round trip. */
function checkBody(type: string, body: unknown): void {
  const failure = REGISTRY.get(type)?.check(body);
  if (failure !== undefined) throw rejection(type, failure.error.code, failure.error.message, failure.error.field);
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function submitAndPrint(target: Target, signed: SignedTx): Promise<void> {
  const { submitted, note } = await submit(target, signed);
  print(submitted);
  if (note !== undefined) process.stderr.write(`note: ${note}\n`);
}

/** What a transaction file holds and still needs, for the person passing it on. */
function fileSummary(file: string, signed: SignedTx) {
  return {
    file: path.resolve(file),
    type: signed.tx.type,
    nonce: signed.tx.nonce,
    txHash: txHash(signed.tx),
    signedBy: signed.sigs.map((s) => s.signer),
    requires: txInfo(signed.tx.type).signedBy,
    body: signed.tx.body,
  };
}

/** Body, signatures and envelope from the flags; the body is schema-checked before anyone signs. */
function draft(type: string, flags: TxFlags): SignedTx {
  const body = buildBody(type, txBodySchema(type), flags);
  checkBody(type, body);
  const keys = loadSignerKeys(flags.key);
  if (keys.length === 0 && flags.out === undefined) {
    throw new CliError('no --key given', `sign with --key FILE per signer (${type}: ${txInfo(type).signedBy}), or write the unsigned transaction with --out FILE`);
  }
  const nonce = flags.nonce === undefined ? randomNonce() : checkNonce(flags.nonce);
  return addSignatures({ tx: newTx(type, body, nonce, Date.now()), sigs: [] }, keys);
}

async function runTx(type: string | undefined, flags: TxFlags): Promise<void> {
  if (flags.help === true) {
    if (type !== undefined) checkType(type);
    process.stdout.write(type === undefined ? typeListHelp() : typeHelp(type));
    return;
  }
  if (type === undefined) throw new CliError('no transaction type given', '`ledgerhouse tx --help` lists the types; `ledgerhouse tx <type> --help` explains one');
  checkType(type);
  if (flags.out !== undefined) {
    if (flags.url !== undefined || flags.dataDir !== undefined) {
      throw new CliError('--out writes the transaction to a file instead of submitting it', 'drop --url/--data-dir, and submit the file later with `ledgerhouse tx-submit FILE`');
    }
    const signed = draft(type, flags);
    writeNewTxFile(flags.out, signed);
    print(fileSummary(flags.out, signed));
    return;
  }
  const target = resolveTarget(flags); // a missing target fails before anything is signed
  await submitAndPrint(target, draft(type, flags));
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'submit to a running server (POST /v1/transactions)')
    .option('--token <token>', 'bearer token for --url, to print the committed entry (entries are not public)')
    .option('--data-dir <dir>', 'submit to the ledger of this data directory while no server runs on it (default: LH_DATA_DIR or ./data)');
}

export function registerTxCommand(program: Command): void {
  const tx = program
    .command('tx')
    .argument('[type]', 'transaction type, e.g. receipt.issue')
    .description('build, sign and submit a transaction (`ledgerhouse tx --help` lists the types)')
    .helpOption(false)
    .option('-h, --help', 'list the types, or with a type explain its body fields')
    .option('--key <file>', "a signer's key file; repeat in signing order", collect, [])
    .option('--body <json>', 'the body as a JSON object')
    .option('--body-file <file>', 'read the body from a JSON file (- = stdin)')
    .option('--set <path=value>', 'set one body field, e.g. covenants.temperature.minC=2 (repeat)', collect, [])
    .option('--nonce <nonce>', 'transaction nonce (default: random)')
    .option('--out <file>', 'write the signed-so-far transaction to a file instead of submitting it');
  targetOptions(tx).action((type: string | undefined, flags: TxFlags) => runTx(type, flags));
  tx.addHelpText('after', () => `\n${typeListHelp()}`);

  program
    .command('tx-sign <file>')
    .description('add signatures to a transaction file written by `tx --out` (in place, or to --out)')
    .option('--key <file>', "a signer's key file; repeat in signing order", collect, [])
    .option('--out <file>', 'write the result here instead of replacing <file>')
    .action((file: string, flags: { key: string[]; out?: string }) => {
      const keys = loadSignerKeys(flags.key);
      if (keys.length === 0) throw new CliError('no --key given', 'pass the key file of the party that signs: --key FILE');
      const signed = addSignatures(readTxFile(file), keys);
      if (flags.out === undefined) replaceTxFile(file, signed);
      else writeNewTxFile(flags.out, signed);
      print(fileSummary(flags.out ?? file, signed));
    });

  targetOptions(
    program
      .command('tx-submit <file>')
      .description('submit a signed transaction file to a server (--url) or a local data directory (--data-dir)'),
  ).action(async (file: string, flags: TargetFlags) => {
    const signed = readTxFile(file);
    if (signed.sigs.length === 0) throw new CliError(`${file} has no signatures yet`, 'add them with `ledgerhouse tx-sign FILE --key K`');
    await submitAndPrint(resolveTarget(flags), signed);
  });
}

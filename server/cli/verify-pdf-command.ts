// `ledgerhouse verify-pdf FILE [--key <verifierKey>] [--json]`: checks a receipt PDF offline against the evidence
// it embeds. Prints every check; exits 0 when all pass, 2 when any fails (1 when the file cannot be read).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { verifyReceiptPdf, type PdfVerdict } from '../pdf/verify-pdf.js';
import { CliError } from './cli-error.js';

interface VerifyPdfFlags {
  key?: string;
  json?: boolean;
}

function printChecks(verdict: PdfVerdict): void {
  for (const c of verdict.checks) process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
}

function summary(verdict: PdfVerdict): string {
  const what = `receipt ${verdict.receiptId} at ledger size ${verdict.size}`;
  return verdict.keyTrusted
    ? `PDF OK: ${what}; every check passed and the checkpoint is signed by the trusted log key\n`
    : `PDF SELF-CONSISTENT: ${what}; every check passed, but only against the key the PDF carries. ` +
        `Pass --key with the log's published verifier key (/v1/ledger/key) to show the log published it\n`;
}

export function registerVerifyPdfCommand(program: Command): void {
  program
    .command('verify-pdf')
    .description('verify a receipt PDF offline: its embedded evidence, inclusion proofs, signatures and signed checkpoint')
    .argument('<file>', 'the receipt PDF')
    .option('--key <verifierKey>', "the log's verifier key (name+hash+key) as the log publishes it; without it only self-consistency is shown")
    .option('--json', 'print the verdict as JSON')
    .action(async (file: string, flags: VerifyPdfFlags) => {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(file);
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass the path of a receipt PDF');
      }
      const verdict = await verifyReceiptPdf(bytes, flags.key === undefined ? {} : { trustedKey: flags.key });
      if (flags.json === true) process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
      else printChecks(verdict);
      if (!verdict.ok) {
        const first = verdict.checks.find((c) => !c.ok);
        throw new CliError(
          `PDF verification FAILED: ${first?.name ?? '?'}: ${first?.detail ?? ''}`,
          'do not rely on this PDF; fetch the receipt from the ledger itself',
          2,
        );
      }
      if (flags.json !== true) process.stdout.write(summary(verdict));
    });
}

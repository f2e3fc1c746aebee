import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { auditLedger, type AuditReport } from '../../ledger/auditor/verify-ledger.js';
import { httpSource } from '../../ledger/auditor/http-source.js';
import { storeSource } from '../../ledger/auditor/store-source.js';
import { formatVerifierKey } from '../../ledger/checkpoint/note.js';
import { FastVerifier } from '../../ledger/crypto/ed25519-node.js';
import { VerifyPool } from '../../ledger/crypto/verify-pool.js';
import { readKeyFile } from '../../ledger/crypto/keys.js';
import { loadConfig } from '../config.js';
import { keyPath } from '../node-keys.js';
import { contractServices, openStores } from '../system.js';
import { CliError } from './cli-error.js';

interface AuditFlags {
  dataDir?: string;
  url?: string;
  token?: string;
  key?: string;
  json?: boolean;
}

function progress(done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total && done % 100_000 !== 0) return;
  process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}verified ${done}/${total} entries${done === total || !process.stderr.isTTY ? '\n' : ''}`);
}

function dataDirLogKey(dataDir: string): string {
  const k = readKeyFile(keyPath(dataDir, 'log'));
  return formatVerifierKey(k.name, k.publicKey);
}

export function registerAuditCommands(program: Command): void {
  program
    .command('verify-ledger')
    .description('replay the whole log from index 0: signatures, contracts, Merkle nodes, checkpoints, projections')
    .option('--data-dir <dir>', 'data directory to audit (default: LH_DATA_DIR or ./data)')
    .option('--url <url>', 'audit a running server instead (needs a regulator or operator token for entry contents)')
    .option('--token <token>', 'bearer token for --url')
    .option('--key <verifierKey>', "the log's verifier key (name+hash+key); default: the data directory's log key, or the server's /v1/ledger/key")
    .option('--json', 'print the report as JSON')
    .action(async (flags: AuditFlags) => {
      const verifier = new FastVerifier();
      const pool = new VerifyPool(); // signatures of each page verified in worker threads while the next page replays
      const common = { verify: (s: Uint8Array, m: Uint8Array, k: Uint8Array) => verifier.verify(s, m, k), pool, services: contractServices(), onProgress: progress };
      let report: AuditReport;
      try {
        if (flags.url !== undefined) {
          const source = httpSource(flags.url, flags.token);
          report = await auditLedger(source, { ...common, logKey: flags.key ?? (await source.verifierKey()) });
        } else {
          const config = loadConfig(process.env, flags.dataDir === undefined ? {} : { dataDir: path.resolve(flags.dataDir) });
          const dbFile = path.join(config.dataDir, 'ledgerhouse.db');
          if (config.databaseUrl === undefined && !existsSync(dbFile)) {
            throw new CliError(`no ledger database at ${dbFile}`, 'pass --data-dir pointing at a data directory, --url of a server, or set LH_DATABASE_URL');
          }
          const logKey = flags.key ?? dataDirLogKey(config.dataDir);
          const { db, store } = await openStores(config);
          try {
            report = await auditLedger(storeSource(store), { ...common, logKey });
          } finally {
            await store.close();
            if (db.open) db.close();
          }
        }
      } finally {
        await pool.close();
      }
      if (flags.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (!report.ok) {
        const where = report.finding?.index === undefined ? '' : ` (entry ${report.finding.index})`;
        throw new CliError(`ledger verification FAILED${where}: ${report.finding?.what ?? 'unknown'}`, 'the log or its projections were altered; keep this data directory for investigation', 2);
      }
      if (flags.json !== true) {
        process.stdout.write(
          `ledger OK: ${report.size} entries, ${report.checkpointsVerified} checkpoints, ${report.objectsCompared} state objects; root ${report.rootHash}\n`,
        );
      }
    });
}

// Every benchmark of `npm run bench`, in the order BENCHMARKS.md lists them.
import { auditorReplay } from './auditor-replay.js';
import type { Benchmark } from './benchmark.js';
import { gatewayIngest } from './gateway-ingest.js';
import { gatewayScale } from './gateway-scale.js';
import { ledgerAppend } from './ledger-append.js';
import { ledgerProofs } from './ledger-proofs.js';
import { pipelineTx } from './pipeline-tx.js';
import { serverCollateral } from './server-collateral.js';
import { serverFanout } from './server-fanout.js';
import { serverPdf } from './server-pdf.js';

export const BENCHMARKS: readonly Benchmark[] = [ledgerAppend, ledgerProofs, auditorReplay, pipelineTx, gatewayIngest, gatewayScale, serverCollateral, serverFanout, serverPdf];

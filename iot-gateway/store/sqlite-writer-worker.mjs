// Entry point of the telemetry store's writer thread. Plain JavaScript so that it starts the same way however the
// parent was started (tsx CLI, mocha's --import tsx, or bin/ledgerhouse.js registering tsx in-process, which a
// worker does not inherit): it loads the TypeScript body through tsx's scoped loader, as ledger/crypto/verify-worker.mjs does.
import { tsImport } from 'tsx/esm/api';

const { serve } = await tsImport('./sqlite-writer-worker.ts', import.meta.url);
serve();

// Entry point of a verification worker thread. Plain JavaScript so that it starts the same way however the
// parent was started (tsx CLI, mocha's --import tsx, or bin/ledgerhouse.js registering tsx in-process, which a
// worker does not inherit): it loads the TypeScript worker body through tsx's scoped loader.
import { tsImport } from 'tsx/esm/api';

const { serve } = await tsImport('./verify-worker.ts', import.meta.url);
serve();

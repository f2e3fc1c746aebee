// Entry point of the gateway thread. Plain JavaScript so that it starts the same way however the parent was
// started (tsx CLI, mocha's --import tsx, bin/ledgerhouse.js): it loads the TypeScript body through tsx.
import { tsImport } from 'tsx/esm/api';

const { serve } = await tsImport('./gateway-worker.ts', import.meta.url);
await serve();

import { MemoryLedgerStore } from '../../../ledger/store/memory-ledger-store.js';
import { ledgerStoreConformance } from './ledger-store-conformance.js';

ledgerStoreConformance('memory', async () => ({ store: new MemoryLedgerStore(), cleanup: async () => {} }));

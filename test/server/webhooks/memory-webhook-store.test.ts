import { MemoryWebhookStore } from '../../../server/webhooks/memory-webhook-store.js';
import { webhookStoreConformance } from './webhook-store-conformance.js';

webhookStoreConformance('memory', (kept) => ({ store: new MemoryWebhookStore(kept), close: () => {} }));

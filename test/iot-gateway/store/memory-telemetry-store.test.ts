import { MemoryTelemetryStore } from '../../../iot-gateway/store/memory-telemetry-store.js';
import { telemetryStoreConformance } from './telemetry-store-conformance.js';

telemetryStoreConformance('memory', async () => {
  const store = new MemoryTelemetryStore();
  return { store, cleanup: () => store.close() };
});

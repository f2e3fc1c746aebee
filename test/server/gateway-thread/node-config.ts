// The configuration of a whole test node (LH_ROLE=all) with the gateway in its own thread: the given data
// directory, any free ports, no demo data, no logs; `env` overrides or adds settings.
import { loadConfig, type Config } from '../../../server/config.js';

export const threadedNodeConfig = (dir: string, env: Record<string, string> = {}): Config => loadConfig({
  LH_DATA_DIR: dir, LH_HTTP_PORT: '0', LH_MQTT_PORT: '0', LH_DEMO: 'false', LH_LOG_LEVEL: 'silent', LH_BATCH_MS: '100', LH_GATEWAY_THREAD: 'true', ...env,
});

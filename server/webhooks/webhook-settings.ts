// The webhooks' limits and URL policy from the configuration (LH_WEBHOOK_* settings): the composition root spreads
// the result into createWebhooks.
import type { Config } from '../config.js';
import type { RetryPolicy } from './backoff.js';
import { UrlPolicy } from './url-policy.js';

type WebhookSettings = Pick<Config, 'webhookTimeoutMs' | 'webhookMaxAttempts' | 'webhookRetryBaseMs' | 'webhookRetryMaxMs' | 'webhookMaxPerParty' | 'webhookAllowHttp' | 'webhookAllowHosts'>;

export function webhookOptions(config: WebhookSettings): { timeoutMs: number; retry: RetryPolicy; maxPerParty: number; urlPolicy: UrlPolicy } {
  return {
    timeoutMs: config.webhookTimeoutMs,
    retry: { maxAttempts: config.webhookMaxAttempts, baseMs: config.webhookRetryBaseMs, maxMs: config.webhookRetryMaxMs },
    maxPerParty: config.webhookMaxPerParty,
    urlPolicy: new UrlPolicy({ allowHttp: config.webhookAllowHttp, allowHosts: config.webhookAllowHosts }),
  };
}

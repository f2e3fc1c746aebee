// Error codes of the webhook endpoints (besides UNAUTHENTICATED, NOT_FOUND, QUERY_INVALID, INDEX_OUT_OF_RANGE and
// the JSON body codes). Joined into server/http/error-catalogue.ts, the one place that maps codes to HTTP.
export const WEBHOOK_ERRORS = {
  WEBHOOK_INVALID: { status: 400, title: 'The webhook request is invalid (url, channels or since)' },
  WEBHOOK_URL_FORBIDDEN: { status: 400, title: 'The webhook URL is not allowed: https only, no credentials, and no loopback, private, link-local or other internal address' },
  WEBHOOK_LIMIT: { status: 409, title: 'The party has registered as many webhooks as allowed' },
} as const;

// HTTP error codes the stream endpoint can answer at the upgrade (besides UNAUTHENTICATED, QUERY_INVALID and
// NOT_FOUND from the HTTP catalogue). Joined into server/http/error-catalogue.ts so the README table lists them.
export const STREAM_ERRORS = {
  STREAM_FULL: { status: 503, title: 'Too many WebSocket stream clients; retry later' },
} as const;

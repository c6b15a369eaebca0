/**
 * The headers of a JSON API that no page frames, no browser sniffs and no referrer leaves; the
 * images under /static/ load in the app's and the admin's pages, each on an origin of its own.
 */
export const EXPECTED_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'cross-origin',
};

/** A request Node's HTTP parser refuses: a header line with no colon. */
export const MALFORMED_REQUEST = 'GET /metrics HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n';

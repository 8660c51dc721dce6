/**
 * The policy of the pages the service serves (the dashboard, the usage page):
 * nothing may load from another origin. Scripts, styles and charts come from
 * this service, and no inline script or style is allowed.
 */
export const SAME_ORIGIN_ONLY_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

import { CrmPermanentError, CrmRateLimitedError, CrmTransientError } from '../crm-provider';

/** A 400: some input of the call is invalid, and HubSpot refused the whole call for it. */
export class HubSpotInvalidInputError extends CrmPermanentError {}

/** A 403: a missing scope, or a feature the portal's subscription does not include. */
export class HubSpotForbiddenError extends CrmPermanentError {}

/** Used when a 429 carries neither Retry-After nor the interval header. */
const DEFAULT_RETRY_AFTER_MS = 10_000;

/** The shape of the client's ApiException, without importing it beyond this folder. */
interface ApiFailure {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

function isApiFailure(error: unknown): error is ApiFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    'headers' in error
  );
}

function bodyMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'message' in body)
    return String((body as { message: unknown }).message);
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return String(body);
}

/**
 * Classifies a failed HubSpot call. 429: wait as long as Retry-After says
 * (seconds), else until the rate-limit window (X-HubSpot-RateLimit-Interval-
 * Milliseconds) is over. 5xx, timeouts and network errors: transient.
 * 4xx (bad token, missing scope, invalid property): permanent.
 */
export function toCrmError(error: unknown): Error {
  if (
    error instanceof CrmRateLimitedError ||
    error instanceof CrmTransientError ||
    error instanceof CrmPermanentError
  )
    return error;
  if (isApiFailure(error)) {
    const message = `HubSpot ${error.code}: ${bodyMessage(error.body)}`;
    if (error.code === 429) return new CrmRateLimitedError(retryAfterMs(error.headers), message);
    if (error.code >= 500 || error.code === 408) return new CrmTransientError(message);
    if (error.code === 400) return new HubSpotInvalidInputError(message);
    if (error.code === 403) return new HubSpotForbiddenError(message);
    return new CrmPermanentError(message);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new CrmTransientError(`HubSpot call failed: ${text}`);
}

export function retryAfterMs(headers: Record<string, string>): number {
  const seconds = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(seconds) && seconds >= 0)
    return seconds * 1000;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_RETRY_AFTER_MS;
}

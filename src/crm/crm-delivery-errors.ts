import { DeferredDeliveryError, PermanentDeliveryError } from '../outbox/outbox-handler';
import { CrmPermanentError, CrmRateLimitedError, RecordFailure } from './crm-provider';

/**
 * What the outbox should do about a CRM failure: a 429 waits for the CRM's
 * Retry-After without spending an attempt, a permanent error is dead at once,
 * anything else (5xx, timeouts, dropped connections) backs off and retries.
 */
export function toDeliveryError(error: unknown): unknown {
  if (error instanceof CrmRateLimitedError)
    return new DeferredDeliveryError(error.retryAfterMs, error.message);
  if (error instanceof CrmPermanentError) return new PermanentDeliveryError(error.message);
  return error;
}

export function recordError(failure: RecordFailure): Error {
  return failure.retriable
    ? new Error(failure.message)
    : new PermanentDeliveryError(failure.message);
}

import { z } from 'zod';
import { duration } from './config.schema';

/** How the outbox retries a failed delivery (src/outbox/retry-policy.ts computes the waits). */
export interface RetryPolicy {
  /** Attempts before a message is dead. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** 30 s, 1 min, 2 min … capped at 1 h: ten attempts span about three and a half hours. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
};

/**
 * OUTBOX_RETRY_BASE_DELAY, OUTBOX_RETRY_MAX_DELAY and OUTBOX_MAX_ATTEMPTS,
 * read apart from the rest of the environment so the outbox's policy stays in
 * one place; a base longer than the cap would make every wait the cap.
 */
export const outboxRetrySchema = z
  .object({
    OUTBOX_RETRY_BASE_DELAY: duration.default(DEFAULT_RETRY_POLICY.baseDelayMs),
    OUTBOX_RETRY_MAX_DELAY: duration.default(DEFAULT_RETRY_POLICY.maxDelayMs),
    OUTBOX_MAX_ATTEMPTS: z.coerce
      .number({ error: 'must be a whole number of attempts' })
      .int({ error: 'must be a whole number of attempts' })
      .min(1, { error: 'must be at least 1' })
      .max(1000, { error: 'must be at most 1000' })
      .default(DEFAULT_RETRY_POLICY.maxAttempts),
  })
  .refine((env) => env.OUTBOX_RETRY_BASE_DELAY > 0, {
    path: ['OUTBOX_RETRY_BASE_DELAY'],
    message: 'must be longer than 0',
  })
  .refine((env) => env.OUTBOX_RETRY_BASE_DELAY <= env.OUTBOX_RETRY_MAX_DELAY, {
    path: ['OUTBOX_RETRY_BASE_DELAY'],
    message: 'must not be longer than OUTBOX_RETRY_MAX_DELAY',
  })
  .transform((env): RetryPolicy => ({
    maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    baseDelayMs: env.OUTBOX_RETRY_BASE_DELAY,
    maxDelayMs: env.OUTBOX_RETRY_MAX_DELAY,
  }));

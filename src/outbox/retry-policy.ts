import { RetryPolicy } from '../config/outbox-retry';

/**
 * The wait after failed attempt number `attempts` (1-based): exponential and
 * capped, with "equal jitter" — half of it fixed so a retry never comes at once,
 * half random so messages that failed together (an SMTP outage) do not all
 * come back in the same second.
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

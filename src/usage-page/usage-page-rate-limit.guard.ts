import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors';
import { UsagePageRateLimitsRepository } from './usage-page-rate-limits.repository';

/** Answered 429 with a Retry-After; see usage-page-error.filter.ts. */
export class TooManyRequestsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', `too many requests: try again in ${retryAfterSeconds} s`);
  }
}

/**
 * The usage pages are public, so each client address gets at most
 * USAGE_PAGE_RATE_LIMIT requests per window: enough for a person, far too few
 * to guess tokens (2^256 of them) or to load the service. Counted in
 * PostgreSQL, so the limit holds across all replicas together. By address,
 * not by token: a guesser tries a new token every time.
 */
@Injectable()
export class UsagePageRateLimitGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly counters: UsagePageRateLimitsRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const client = context.switchToHttp().getRequest<Request>().ip ?? 'unknown';
    const limit = this.config.usagePageRateLimit;
    const { requests, retryAfterSeconds } = await this.counters.count(client, limit);
    if (requests > limit.requests) throw new TooManyRequestsError(retryAfterSeconds);
    return true;
  }
}

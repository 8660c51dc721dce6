import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors';

/** Answered 429 with a Retry-After; see usage-page-error.filter.ts. */
export class TooManyRequestsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', `too many requests: try again in ${retryAfterSeconds} s`);
  }
}

/**
 * The usage pages are public, so each client address gets at most
 * USAGE_PAGE_RATE_LIMIT requests per window: enough for a person, far too few
 * to guess tokens (2^256 of them) or to load the service. Fixed windows in
 * memory, per process; real time, since it limits real clients.
 */
@Injectable()
export class UsagePageRateLimitGuard implements CanActivate {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { requests, intervalMs } = this.config.usagePageRateLimit;
    const now = Date.now();
    if (now - this.windowStart >= intervalMs) {
      // A new window forgets every client, so the map never outgrows one window's clients.
      this.windowStart = now;
      this.counts = new Map();
    }
    const client = context.switchToHttp().getRequest<Request>().ip ?? 'unknown';
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    if (count > requests) {
      throw new TooManyRequestsError(Math.ceil((this.windowStart + intervalMs - now) / 1000));
    }
    return true;
  }
}

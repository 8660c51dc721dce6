import { Client } from '@hubspot/api-client';
import { HubSpotConfig } from '../../config/app-config';
import { CrmTransientError } from '../crm-provider';
import { RateLimiter } from '../rate-limiter';
import { toCrmError } from './hubspot-errors';

/** CRM search: 4 requests a second per token (HubSpot, "CRM Search API rate limit increase"). */
const SEARCH_RATE_LIMIT = { requests: 4, intervalMs: 1_000 };

/**
 * The official client, paced by our rate limiter, with a timeout on every
 * call and its failures mapped to the port's errors. The client's own
 * limiter and retries are off: the outbox retries, with backoff, Retry-After
 * and a dead-letter list, which an in-process retry loop would only hide.
 */
export class HubSpotApi {
  readonly client: Client;
  private readonly limiter: RateLimiter;
  private readonly searchLimiter: RateLimiter;
  /** Calls made, for the benchmark and logs. */
  calls = 0;

  constructor(
    config: HubSpotConfig,
    private readonly timeoutMs: number,
  ) {
    this.client = new Client({
      accessToken: config.accessToken,
      basePath: config.baseUrl,
      numberOfApiCallRetries: 0,
    });
    this.limiter = new RateLimiter(config.rateLimit);
    this.searchLimiter = new RateLimiter(SEARCH_RATE_LIMIT);
  }

  /**
   * A CRM search call: on top of the app's limit, HubSpot allows the search
   * endpoints a handful of requests a second per token.
   */
  search<T>(what: string, request: (client: Client) => Promise<T>): Promise<T> {
    return this.searchLimiter.schedule(() => this.call(what, request));
  }

  call<T>(what: string, request: (client: Client) => Promise<T>): Promise<T> {
    return this.limiter.schedule(async () => {
      this.calls += 1;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new CrmTransientError(`HubSpot ${what} timed out after ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      try {
        return await Promise.race([request(this.client), timeout]);
      } catch (error) {
        throw toCrmError(error);
      } finally {
        clearTimeout(timer);
      }
    });
  }
}

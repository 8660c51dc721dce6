/**
 * The org's daily API allocation as Salesforce reports it, and what we do
 * about it. Every REST answer carries `Sforce-Limit-Info: api-usage=n/max`
 * (the org's rolling 24 h usage, shared with every other integration); once
 * it is spent Salesforce answers 403 REQUEST_LIMIT_EXCEEDED until calls age
 * out of the window, which can take hours.
 *
 * So: past PACE_FROM of the allocation we spread what is left (minus a
 * reserve kept for the org's other users) over a day; when only the reserve
 * is left we stop sending; and each REQUEST_LIMIT_EXCEEDED in a row doubles
 * the wait (1 min, 2, 4 … at most 1 h) instead of retrying every few seconds.
 */
import { CrmRateLimitedError } from '../crm-provider';

const DAY_MS = 86_400_000;
/** Share of the allocation used before we start pacing. */
const PACE_FROM = 0.75;
/** Share of the allocation left to the org's other integrations and users. */
const RESERVE = 0.1;
const FIRST_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

export class SalesforceApiUsage {
  /** REQUEST_LIMIT_EXCEEDED answers (and refusals to spend the reserve) since start. */
  limitExceeded = 0;
  private strikes = 0;
  private used = 0;
  private max = 0;

  /** Reads `api-usage=n/max` (other entries, like per-app usage, are ignored). */
  observe(header: string | string[] | undefined): void {
    const text = Array.isArray(header) ? header.join(';') : (header ?? '');
    const match = /api-usage=(\d+)\/(\d+)/.exec(text);
    if (!match) return;
    this.used = Number(match[1]);
    this.max = Number(match[2]);
  }

  /** A request went through: the next refusal starts the backoff over. */
  accepted(): void {
    this.strikes = 0;
  }

  /** Salesforce refused a request for the limit: how long to wait, growing with each refusal in a row. */
  refused(message: string): CrmRateLimitedError {
    this.limitExceeded += 1;
    this.strikes += 1;
    const wait = Math.min(FIRST_BACKOFF_MS * 2 ** (this.strikes - 1), MAX_BACKOFF_MS);
    return new CrmRateLimitedError(wait, message);
  }

  /**
   * How long to wait before the next request (0 while well under the
   * allocation), or the error to answer without sending when only the
   * reserve is left.
   */
  beforeRequest(): number | CrmRateLimitedError {
    if (this.max === 0 || this.used < this.max * PACE_FROM) return 0;
    const headroom = Math.floor(this.max * (1 - RESERVE)) - this.used;
    if (headroom <= 0) {
      return this.refused(
        `Salesforce: ${this.used} of ${this.max} daily API requests used; the last ${RESERVE * 100} % is left to the org`,
      );
    }
    return Math.ceil(DAY_MS / headroom);
  }
}

/**
 * The HTTP transport under every jsforce call we make. It gives each request
 * a timeout, turns off jsforce's own retries (the CRM outbox retries with its
 * own budget and backoff; retrying underneath it would multiply the calls and
 * hide 429s), and types the failures only HTTP can see: the status and the
 * Retry-After header, which jsforce drops when it builds its errors.
 */
import { Transport } from 'jsforce/lib/transport';
import { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce/lib/types';
import { StreamPromise } from 'jsforce/lib/util/promise';
import { createLazyStream } from 'jsforce/lib/util/stream';
import { CrmRateLimitedError, CrmTransientError } from '../crm-provider';
import { CallScheduler } from '../rate-limiter';
import { SalesforceApiUsage } from './salesforce-api-usage';
import { DEFAULT_RETRY_AFTER_MS } from './salesforce-options';

export class SalesforceTransport extends Transport {
  /** The org's daily allocation as the last answer reported it. */
  readonly usage = new SalesforceApiUsage();

  constructor(
    private readonly timeoutMs: number,
    private readonly limiter: CallScheduler = UNLIMITED,
  ) {
    super();
  }

  /**
   * The request is sent only when the limiter has a slot, so jsforce gets a
   * lazy stream at once (it wants one synchronously) that is bound to the
   * real request when it starts. Paced here, per HTTP request, because one
   * port call can make several (a lookup and an upsert, one call per 200).
   */
  override httpRequest(
    req: HttpRequest,
    options: HttpRequestOptions = {},
  ): StreamPromise<HttpResponse> {
    const { stream, setStream } = createLazyStream();
    const promise = this.limiter.schedule(async () => {
      const wait = this.usage.beforeRequest();
      if (wait instanceof CrmRateLimitedError) throw wait;
      if (wait > 0) await sleep(wait);
      const inner = super.httpRequest(req, {
        ...options,
        timeout: this.timeoutMs,
        retry: { maxRetries: 0 },
      });
      setStream(inner.stream());
      return inner.then(
        (response) => this.checkStatus(response),
        (error: unknown) => {
          throw new CrmTransientError(
            `Salesforce unreachable: ${req.method} ${req.url}: ${String(error)}`,
          );
        },
      );
    });
    return StreamPromise.create(() => ({ stream, promise }));
  }

  private checkStatus(response: HttpResponse): HttpResponse {
    this.usage.observe(response.headers['sforce-limit-info']);
    // The daily allocation spent, or too many long requests at once: 403 with
    // REQUEST_LIMIT_EXCEEDED (not a 429), until calls age out of the window.
    if (response.statusCode === 403 && response.body.includes('REQUEST_LIMIT_EXCEEDED')) {
      throw this.usage.refused(
        `Salesforce: HTTP 403 REQUEST_LIMIT_EXCEEDED: ${response.body.slice(0, 200)}`,
      );
    }
    this.usage.accepted();
    return checkStatus(response);
  }
}

const UNLIMITED: CallScheduler = { schedule: (call) => call() };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A proxy in front of Salesforce may still answer 429; 5xx are transient. */
function checkStatus(response: HttpResponse): HttpResponse {
  const status = response.statusCode;
  if (status === 429) {
    throw new CrmRateLimitedError(
      retryAfterMs(response.headers['retry-after']),
      'Salesforce: HTTP 429',
    );
  }
  // A SOAP fault arrives as a 500 and names its cause; jsforce parses it and
  // it is classified by fault code (an expired session is not transient).
  if (status >= 500 && !response.body.includes('<faultcode>')) {
    throw new CrmTransientError(`Salesforce: HTTP ${status}: ${response.body.slice(0, 200)}`);
  }
  return response;
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, at - now);
}

/**
 * Paces calls to a provider so the worker stays under its published limits
 * instead of discovering them through 429s: at most `requests` calls in any
 * rolling window of `intervalMs`, and at most `concurrency` in flight.
 *
 * A call's slot is dated from when its response arrived, not from when it was
 * sent: the provider counts a request when it receives it, which is always
 * before we see the answer, so our window can never be shorter than theirs.
 * Real time, not the injected Clock: the provider's window runs on real time.
 */
export interface RateLimiterOptions {
  requests: number;
  intervalMs: number;
  concurrency?: number;
}

/** Something that runs a call when the provider's limits allow it. */
export interface CallScheduler {
  schedule<T>(call: () => Promise<T>): Promise<T>;
}

/** A call runs when every limiter has a slot for it (e.g. a daily allotment and a short window). */
export function allOf(...limiters: readonly CallScheduler[]): CallScheduler {
  return {
    schedule: <T>(call: () => Promise<T>) =>
      limiters.reduceRight<() => Promise<T>>(
        (inner, limiter) => () => limiter.schedule(inner),
        call,
      )(),
  };
}

export class RateLimiter implements CallScheduler {
  /** The calls of the current window: finished ones dated, in-flight ones at Infinity. */
  private slots: Array<{ at: number }> = [];
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly options: RateLimiterOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async schedule<T>(call: () => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await call();
    } finally {
      slot.at = this.now();
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  private async acquire(): Promise<{ at: number }> {
    const concurrency = this.options.concurrency ?? Infinity;
    for (;;) {
      const horizon = this.now() - this.options.intervalMs;
      this.slots = this.slots.filter((slot) => slot.at > horizon);
      if (this.slots.length < this.options.requests && this.inFlight < concurrency) {
        const slot = { at: Infinity };
        this.slots.push(slot);
        this.inFlight += 1;
        return slot;
      }
      // A loop, not Math.min(...spread): a daily window holds ~100 000 slots, past V8's argument limit.
      const oldest = this.slots.reduce((min, slot) => Math.min(min, slot.at), Infinity);
      if (this.inFlight >= concurrency || oldest === Infinity) {
        // A finishing call frees a concurrency slot or dates a window slot.
        await new Promise<void>((resolve) => this.waiting.push(resolve));
      } else {
        await sleep(oldest + this.options.intervalMs - this.now());
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

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

export class RateLimiter {
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
      const oldest = Math.min(...this.slots.map((slot) => slot.at));
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

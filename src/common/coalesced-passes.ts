/**
 * Customers queued after ingest commits and looked at later in passes, off the
 * request path. The queue is a set and passes start at least `intervalMs`
 * apart, so under steady ingestion (a batch every few milliseconds) the
 * customers of an interval's batches go in one pass rather than one pass per
 * batch. `flush()` runs what is queued with no pause.
 */
export class CoalescedPasses {
  private readonly pending = new Set<string>();
  private draining: Promise<void> | null = null;
  private lastPassAt = Number.NEGATIVE_INFINITY;
  /** Ends the pause before the next pass, while one is under way. */
  private wake: (() => void) | null = null;
  /** flush() calls under way: passes follow each other with no pause. */
  private hurried = 0;

  constructor(
    private readonly options: {
      intervalMs: number;
      /** One pass; its failure is reported to `failed` and the next pass still runs. */
      pass: (customerIds: string[]) => Promise<unknown>;
      failed: (error: unknown) => void;
      /** Wraps the draining, e.g. so that a shutdown waits for it. */
      hold?: (drain: () => Promise<void>) => Promise<void>;
    },
  ) {}

  enqueue(customerIds: Iterable<string>): void {
    for (const id of customerIds) this.pending.add(id);
    if (this.draining) return;
    const hold = this.options.hold ?? ((drain: () => Promise<void>) => drain());
    this.draining = hold(() => this.drain());
  }

  /** Resolves once every customer queued so far has been looked at (tests, shutdown), with no pause. */
  async flush(): Promise<void> {
    this.hurried += 1;
    try {
      while (this.draining) {
        this.wake?.();
        await this.draining;
      }
    } finally {
      this.hurried -= 1;
    }
  }

  private async drain(): Promise<void> {
    // Let the ingest response go out first; batches arriving meanwhile join this pass.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        await this.pause(this.lastPassAt + this.options.intervalMs - performance.now());
        this.lastPassAt = performance.now();
        const customerIds = [...this.pending];
        this.pending.clear();
        await this.options.pass(customerIds).catch(this.options.failed);
      }
    } finally {
      this.draining = null;
    }
  }

  /** Waits `ms` (none when ≤ 0), or less if flush() asks for the pass now. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.hurried > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }
}

import { BeforeApplicationShutdown, Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * A replica's graceful stop. When the application closes (SIGTERM), Nest
 * first destroys modules: from then on `stopping` is true, and loops that
 * claim work (outbox deliveries, billing runs) claim no more. Before the HTTP
 * server and the database close, it waits for the work they already hold.
 */
@Injectable()
export class ShutdownService implements OnModuleDestroy, BeforeApplicationShutdown {
  private stopRequested = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Runs `work`, which the shutdown waits for. */
  hold<T>(work: () => Promise<T>): Promise<T> {
    const running = work();
    // The caller sees the failure; the shutdown only waits for the end.
    const tracked = running.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return running;
  }

  onModuleDestroy(): void {
    this.stopRequested = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

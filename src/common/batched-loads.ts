/** Requests answered by one call at most; more wait for the next. */
const MAX_BATCH = 500;
/** Calls under way at most: requests made meanwhile wait and go together in the next one. */
const MAX_CALLS = 2;

interface Pending<R, V> {
  request: R;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Requests answered together by one call of `loadAll` (as DataLoader does):
 * those of one turn of the event loop, and, while MAX_CALLS are under way,
 * every one made until a call ends. A burst of cache misses (a replica's first
 * checks, one customer each) so costs a few statements per batch rather than
 * a few per request, and the batches grow as the database slows. `loadAll`
 * answers each request at its index.
 */
export class BatchedLoads<R, V> {
  private pending: Array<Pending<R, V>> = [];
  private calls = 0;
  private flushScheduled = false;

  constructor(private readonly loadAll: (requests: readonly R[]) => Promise<readonly V[]>) {}

  load(request: R): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.pending.length > 0 && this.calls < MAX_CALLS) {
      const batch = this.pending.splice(0, MAX_BATCH);
      this.calls += 1;
      this.loadAll(batch.map((pending) => pending.request))
        .then(
          (values) => batch.forEach((pending, index) => pending.resolve(values[index])),
          (error: unknown) => batch.forEach((pending) => pending.reject(error)),
        )
        .finally(() => {
          this.calls -= 1;
          this.flush();
        });
    }
  }
}

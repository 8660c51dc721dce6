/** Milliseconds from a monotonic source; tests pass their own. */
export type MonotonicMs = () => number;

const monotonicMs: MonotonicMs = () => performance.now();

/**
 * An entry is read again after a random share of its time to live between
 * these two, so entries set together (a replica's first seconds) are not all
 * read again in the same instant.
 */
const REFRESH_FROM = 0.5;
const REFRESH_UNTIL = 0.9;

interface Entry<V> {
  value: V;
  refreshAt: number;
  expiresAt: number;
}

/**
 * A bounded map whose entries are trusted for `ttlMs` after they were set,
 * then read as absent. At `maxEntries`, setting a new key evicts the oldest
 * one set (Map keeps insertion order), so memory stays bounded whatever keys
 * callers present. A `ttlMs` of 0 keeps nothing: every read misses.
 *
 * `getOrLoad` reads through it the way a hot path needs: one read per key
 * however many callers miss at once, and an entry asked for steadily is read
 * again in the background before it expires, so its callers never wait for
 * the database together (a burst of misses at expiry once held every check
 * behind a full connection pool).
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Reads under way by key, which callers missing meanwhile share. */
  private readonly loading = new Map<K, Promise<V | null>>();
  /** Counts invalidations, so a read that raced one is not remembered. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: MonotonicMs = monotonicMs,
  ) {}

  get(key: K): V | undefined {
    return this.entry(key)?.value;
  }

  /**
   * The value for `key`: remembered, or read by `load` (null: none, answered
   * and never remembered; it drops what was remembered). An entry `usable`
   * rejects is read again. Past its refresh time (REFRESH_FROM–REFRESH_UNTIL of
   * its life) an entry still answers while one read in the background
   * replaces it; if that read fails, the entry answers until it expires and
   * the next caller's read reports the error.
   */
  async getOrLoad(
    key: K,
    load: () => Promise<V | null>,
    usable: (value: V) => boolean = () => true,
  ): Promise<V | null> {
    // Nothing is trusted: every caller reads for itself, after it asked.
    if (this.ttlMs <= 0) return load();
    const entry = this.entry(key);
    if (entry && usable(entry.value)) {
      if (this.now() >= entry.refreshAt) this.loadOnce(key, load).catch(() => undefined);
      return entry.value;
    }
    const value = await this.loadOnce(key, load);
    // A shared read may have been made for another caller's instant.
    return value === null || usable(value) ? value : load();
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const now = this.now();
    this.entries.set(key, {
      value,
      refreshAt: now + this.ttlMs * (REFRESH_FROM + Math.random() * (REFRESH_UNTIL - REFRESH_FROM)),
      expiresAt: now + this.ttlMs,
    });
  }

  delete(key: K): void {
    this.invalidate();
    this.entries.delete(key);
  }

  /** Drops the entries whose value matches (e.g. every key of one customer). */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    this.invalidate();
    for (const [key, entry] of this.entries)
      if (matches(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.invalidate();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private entry(key: K): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The read under way for `key`, or a new one, remembered when no invalidation raced it. */
  private loadOnce(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const underWay = this.loading.get(key);
    if (underWay) return underWay;
    const generation = this.generation;
    const loaded = load()
      .then((value) => {
        if (generation !== this.generation) return value;
        if (value === null) this.entries.delete(key);
        else this.set(key, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
      });
    this.loading.set(key, loaded);
    return loaded;
  }

  /** Reads under way may predate the change: they are neither remembered nor shared any more. */
  private invalidate(): void {
    this.generation += 1;
    this.loading.clear();
  }
}

/** Milliseconds from a monotonic source; tests pass their own. */
export type MonotonicMs = () => number;

const monotonicMs: MonotonicMs = () => performance.now();

/**
 * A bounded map whose entries are trusted for `ttlMs` after they were set,
 * then read as absent. At `maxEntries`, setting a new key evicts the oldest
 * one set (Map keeps insertion order), so memory stays bounded whatever keys
 * callers present. A `ttlMs` of 0 keeps nothing: every read misses.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: MonotonicMs = monotonicMs,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Drops the entries whose value matches (e.g. every key of one customer). */
  deleteWhere(matches: (value: V, key: K) => boolean): void {
    for (const [key, entry] of this.entries)
      if (matches(entry.value, key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RateLimit } from '../config/app-config';

export interface RateLimitCount {
  /** Requests of this client in its current window, this one included. */
  requests: number;
  /** Whole seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

/**
 * `usage_page_rate_limits`: one counter per client address, shared by every
 * replica. Each client's window starts at its first request (so a client is
 * never allowed twice the limit across a boundary) and is timed by the
 * database's clock, which all replicas share.
 */
@Injectable()
export class UsagePageRateLimitsRepository {
  constructor(private readonly db: DataSource) {}

  /** Counts one request of the client: a new window once the last has ended. */
  async count(client: string, limit: RateLimit): Promise<RateLimitCount> {
    const rows: Array<{ requests: number; retry_after_seconds: number }> = await this.db.query(
      // One statement: the row lock of the upsert serializes concurrent requests of one client.
      `INSERT INTO usage_page_rate_limits AS l (client_digest, window_start, requests)
       VALUES ($1, now(), 1)
       ON CONFLICT (client_digest) DO UPDATE SET
         window_start = CASE WHEN l.window_start + $2::interval <= now()
                             THEN now() ELSE l.window_start END,
         requests = CASE WHEN l.window_start + $2::interval <= now()
                         THEN 1 ELSE l.requests + 1 END
       RETURNING requests,
         greatest(1, ceil(extract(epoch FROM l.window_start + $2::interval - now())))::int
           AS retry_after_seconds`,
      [clientDigest(client), windowLength(limit)],
    );
    return { requests: rows[0].requests, retryAfterSeconds: rows[0].retry_after_seconds };
  }

  /** Forgets the clients whose window has ended; the number deleted. */
  async deleteExpired(limit: RateLimit): Promise<number> {
    const rows: Array<{ deleted: number }> = await this.db.query(
      `WITH deleted AS (
         DELETE FROM usage_page_rate_limits WHERE window_start + $1::interval <= now() RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM deleted`,
      [windowLength(limit)],
    );
    return rows[0].deleted;
  }
}

const windowLength = (limit: RateLimit) => `${limit.intervalMs} milliseconds`;

/** Counters are kept by digest: the table never holds a client's address. */
function clientDigest(client: string): Buffer {
  return createHash('sha256').update(client, 'utf8').digest();
}

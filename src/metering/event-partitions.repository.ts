import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';

/** First instant (UTC) of the month containing `at`, as epoch milliseconds. */
function monthStartMs(at: Date): number {
  return Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
}

function partitionName(monthStart: Date): string {
  const month = String(monthStart.getUTCMonth() + 1).padStart(2, '0');
  return `usage_events_${String(monthStart.getUTCFullYear()).padStart(4, '0')}_${month}`;
}

/**
 * Creates the month partitions of usage_events before events are inserted into
 * them, and remembers which exist so the hot path asks PostgreSQL only once per
 * month and process.
 */
@Injectable()
export class EventPartitions {
  private readonly ready = new Map<number, Promise<void>>();

  constructor(private readonly db: DataSource) {}

  async ensureCovering(timestamps: Iterable<Date>): Promise<void> {
    const months = new Set<number>();
    for (const timestamp of timestamps) months.add(monthStartMs(timestamp));
    for (const month of months) await this.ensureMonth(month);
  }

  private ensureMonth(monthStart: number): Promise<void> {
    let ready = this.ready.get(monthStart);
    if (!ready) {
      // Concurrent requests in this process share one creation; a failed one is retried by the next request.
      ready = this.create(new Date(monthStart)).catch((error: unknown) => {
        this.ready.delete(monthStart);
        throw error;
      });
      this.ready.set(monthStart, ready);
    }
    return ready;
  }

  private async create(monthStart: Date): Promise<void> {
    const next = new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + 1, 1));
    // Its own short transaction, never inside an ingest transaction: creating a
    // partition locks usage_events exclusively. Replicas creating the same month
    // take turns on the advisory lock, so IF NOT EXISTS sees the winner's table.
    await inTransaction(this.db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('usage_events partitions'))`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(monthStart)} PARTITION OF usage_events
         FOR VALUES FROM ('${monthStart.toISOString()}') TO ('${next.toISOString()}')`,
      );
    });
  }
}

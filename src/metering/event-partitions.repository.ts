import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Interval } from '../common/period';
import { customersWithOpenUsageDuring, usageOpenAt } from '../customers/usage-retention-sql';
import { inTransaction } from '../database/transaction';

const PARTITION_NAME = /^usage_events_(\d{4})_(\d{2})$/;

function partitionName(month: Interval): string {
  const start = month.start;
  return `usage_events_${String(start.getUTCFullYear()).padStart(4, '0')}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** How long dropping a partition may wait for ingestion to let go of usage_events before it gives up until the next run. */
const DETACH_LOCK_TIMEOUT = '5s';

/**
 * The month partitions of usage_events and the bounded id table: DDL and
 * retention deletes, run by the event retention job, never on the ingest path
 * (creating or dropping a partition locks usage_events). Each change is its own
 * short transaction under one advisory lock, so replicas take turns.
 */
@Injectable()
export class EventPartitionsRepository {
  constructor(private readonly db: DataSource) {}

  /** The months that have a partition (the default partition is not one). */
  async months(): Promise<Interval[]> {
    const rows: Array<{ name: string }> = await this.db.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'usage_events'::regclass`,
    );
    return rows.flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      if (!match) return [];
      const [year, month] = [Number(match[1]), Number(match[2])];
      return [
        { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) },
      ];
    });
  }

  /**
   * Creates the month's partition. Events of that month that reached the default
   * partition meanwhile (it had no partition yet) move into it, since PostgreSQL
   * refuses to attach a range the default partition holds rows of.
   */
  async create(month: Interval): Promise<void> {
    const name = partitionName(month);
    const [from, to] = [month.start.toISOString(), month.end.toISOString()];
    await this.changeUnderLock(async (tx) => {
      const [{ exists }]: Array<{ exists: boolean }> = await tx.query(
        'SELECT to_regclass($1) IS NOT NULL AS exists',
        [name],
      );
      if (exists) return;
      await tx.query(
        `CREATE TABLE ${name} (LIKE usage_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await tx.query(
        `WITH moved AS (
           DELETE FROM usage_events_default WHERE timestamp >= $1 AND timestamp < $2 RETURNING *
         )
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(
        `ALTER TABLE usage_events ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    });
  }

  /**
   * Whether some customer with events in the month still has usage to invoice
   * there: a subscription of theirs running during the month whose usage is not
   * closed up to the end of the month or of the subscription (the customers
   * module's rule). Events of customers without a subscription then are billed
   * by nothing and hold nothing back.
   */
  async hasOpenInterval(month: Interval): Promise<boolean> {
    const [{ open }]: Array<{ open: boolean }> = await this.db.query(
      `SELECT EXISTS (
         SELECT FROM ${customersWithOpenUsageDuring('$1', '$2')} o
         WHERE EXISTS (SELECT FROM ${partitionName(month)} e WHERE e.customer_id = o.customer_id)
       ) AS open`,
      [month.start.toISOString(), month.end.toISOString()],
    );
    return open;
  }

  /** Detaches and drops the month's partition; false when ingestion held usage_events too long (next run retries). */
  async drop(month: Interval): Promise<boolean> {
    const name = partitionName(month);
    try {
      await this.changeUnderLock(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '${DETACH_LOCK_TIMEOUT}'`);
        await tx.query(`ALTER TABLE usage_events DETACH PARTITION ${name}`);
        await tx.query(`DROP TABLE ${name}`);
      });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
      throw error;
    }
  }

  /**
   * Deletes events older than `horizon` that the default partition caught (their
   * month had no partition when they came), under the same rule as whole months.
   */
  async deleteExpiredStragglers(horizon: Date): Promise<number> {
    const rows: Array<{ deleted: number }> = await this.db.query(
      `WITH deleted AS (
         DELETE FROM usage_events_default e
         WHERE e.timestamp < $1
           AND NOT ${usageOpenAt('e.customer_id', 'e.timestamp')}
         RETURNING 1
       )
       SELECT count(*)::int AS deleted FROM deleted`,
      [horizon.toISOString()],
    );
    return rows[0].deleted;
  }

  /**
   * Forgets the ids of events older than `horizon`, at most `limit` of them (the
   * job repeats until none is left, keeping each transaction short). Ingestion
   * refuses such events anyway, so none can be stored twice.
   */
  async forgetIdsBefore(horizon: Date, limit: number): Promise<number> {
    const rows: Array<{ forgotten: number }> = await this.db.query(
      `WITH forgotten AS (
         DELETE FROM usage_event_ids WHERE ctid = ANY (ARRAY(
           SELECT ctid FROM usage_event_ids WHERE timestamp < $1 LIMIT $2))
         RETURNING 1
       )
       SELECT count(*)::int AS forgotten FROM forgotten`,
      [horizon.toISOString(), limit],
    );
    return rows[0].forgotten;
  }

  private changeUnderLock(work: (tx: EntityManager) => Promise<void>): Promise<void> {
    return inTransaction(this.db, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('usage_events partitions'))`);
      await work(tx);
    });
  }
}

const LOCK_NOT_AVAILABLE = '55P03';

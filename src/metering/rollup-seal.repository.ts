import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HOUR_MS, startOfHour } from '../common/hour-alignment';
import { inTransaction } from '../database/transaction';
import { addToRollup, latestFirst, ROLLUP_PARTIALS } from './meter-aggregation';

/**
 * The monthly rollups hold, for each month, the hourly rows of its hours
 * before `usage_rollup_seal.sealed_before`. Sealing folds hours that have
 * closed into them, here, off the ingest path; ingestion adds to them only
 * the late events of hours already sealed. Both run under one advisory lock,
 * exclusive for sealing, shared for every ingested batch (SEALING_SHARED,
 * taken before the batch's statement reads the seal), so a batch either
 * commits before an hour is folded (the fold then reads its rows) or reads the
 * moved seal (and adds its late events itself): none is counted twice or lost.
 */
const SEAL_LOCK = `hashtext('usage rollup seal')`;

/** For ingestion's reference statement: holds off sealing until the batch commits. */
export const SEALING_SHARED = `pg_advisory_xact_lock_shared(${SEAL_LOCK})`;

/** The first hour not folded into the monthly rollups. */
export const SEALED_BEFORE = '(SELECT seal.sealed_before FROM usage_rollup_seal seal)';

/** The first month the monthly rollups do not hold whole: readers take months before it. */
export const SEALED_MONTHS_END = `(SELECT date_trunc('month', seal.sealed_before, 'UTC') FROM usage_rollup_seal seal)`;

// The hours [$1, $2) of every customer, merged into their months as readers merge them.
const FOLD = `
  INSERT INTO usage_monthly_rollups AS r
    (customer_id, meter_id, month_start, dimensions, event_count, value_sum, value_max, last_value, last_timestamp, last_event_id)
  SELECT r.customer_id, r.meter_id, date_trunc('month', r.hour_start, 'UTC'), r.dimensions, ${ROLLUP_PARTIALS},
         max(r.last_timestamp),
         (array_agg(r.last_event_id ORDER BY ${latestFirst('r.last_timestamp', 'r.last_event_id')}))[1]
  FROM usage_hourly_rollups r
  WHERE r.hour_start >= $1 AND r.hour_start < $2
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ${addToRollup('month_start')}`;

/**
 * Hours folded per transaction at most: the job folds the hour just closed,
 * so only a seal left behind (a long stop) takes several steps, each holding
 * ingestion off for a day's rows at most.
 */
const HOURS_PER_FOLD = 24;

@Injectable()
export class RollupSealRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Folds every closed hour (before the one containing `now`) not folded yet
   * into the monthly rollups, a few hours per transaction. Answers the new seal.
   */
  async sealBefore(now: Date): Promise<Date> {
    const target = startOfHour(now);
    for (;;) {
      const sealed = await inTransaction(this.db, async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${SEAL_LOCK})`);
        const [{ sealed_before: from }]: Array<{ sealed_before: Date }> = await tx.query(
          'SELECT sealed_before FROM usage_rollup_seal',
        );
        if (from >= target) return from;
        const to = new Date(Math.min(target.getTime(), from.getTime() + HOURS_PER_FOLD * HOUR_MS));
        await tx.query(FOLD, [from.toISOString(), to.toISOString()]);
        await tx.query('UPDATE usage_rollup_seal SET sealed_before = $1', [to.toISOString()]);
        return to;
      });
      if (sealed >= target) return sealed;
    }
  }
}

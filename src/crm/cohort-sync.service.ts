import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AnalyticsService } from '../analytics/metrics/analytics.service';
import { CustomerRetentionRepository } from '../analytics/metrics/customer-retention.repository';
import { Month, addMonths } from '../analytics/month';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { inTransaction } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { cohortSnapshots, customerRetentionMessage, snapshotMessage } from './cohort-snapshots';

/** What one sync enqueued; zeros when the month had been synced already. */
export interface CohortSyncResult {
  month: Month;
  snapshots: number;
  customerUpdates: number;
}

/**
 * Pushes a month's cohort snapshots and each recent customer's own retention
 * figures to the CRM through the outbox, once per month: every message has a
 * dedupe key of its own, and a month whose snapshots were ever enqueued is
 * left as it was sent (a snapshot is how a cohort stood, not a live figure).
 */
@Injectable()
export class CohortSyncService {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly retention: CustomerRetentionRepository,
    private readonly outbox: OutboxService,
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** The scheduler's daily check: the month that ended last, unless it was synced. */
  syncLastMonth(): Promise<CohortSyncResult> {
    return this.syncMonth(addMonths(this.currentMonth(), -1));
  }

  async syncMonth(month: Month): Promise<CohortSyncResult> {
    // A month still running would freeze half its revenue into a snapshot sent only once.
    if (month >= this.currentMonth())
      throw ValidationFailedError.field('month', 'must be a month that has ended');
    const nothing = { month, snapshots: 0, customerUpdates: 0 };
    if (this.config.crm.provider === 'none') return nothing;
    const currency = this.analytics.currency;
    const capped = await this.retention.cappedMrr(month);
    if (capped.size === 0) return nothing;
    const firstCohort = [...capped.keys()].sort()[0];
    const snapshots = cohortSnapshots(
      await this.analytics.cohorts(firstCohort, month),
      capped,
      month,
      currency,
    );
    const messages = snapshots.map(snapshotMessage);
    if (
      await this.outbox.anyEnqueued(
        'crm',
        messages.map((m) => m.dedupeKey),
      )
    )
      return nothing;
    const customers = await this.retention.recentCustomers(month);
    messages.push(...customers.map((c) => customerRetentionMessage(c, month, currency)));
    await inTransaction(this.db, async (tx) => {
      for (const message of messages) await this.outbox.enqueue(tx, { channel: 'crm', ...message });
    });
    return { month, snapshots: snapshots.length, customerUpdates: customers.length };
  }

  private currentMonth(): Month {
    return this.clock.now().toISOString().slice(0, 7);
  }
}

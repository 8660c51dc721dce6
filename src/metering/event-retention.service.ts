import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { EventPartitionsRepository } from './event-partitions.repository';
import { monthsToPartition, retentionHorizon } from './event-retention';

/** Ids forgotten per statement: short transactions, little lock time per batch. */
const FORGET_BATCH = 50_000;

export interface RetentionReport {
  created: string[];
  dropped: string[];
  /** Expired months kept because a customer with events there has usage still to invoice. */
  kept: string[];
  stragglersDeleted: number;
  idsForgotten: number;
}

/**
 * Keeps raw events bounded: month partitions made ahead of ingestion, and
 * events older than EVENT_RETENTION months dropped a whole month at a time once
 * every interval they fall in is invoiced (rollups and invoices keep billing,
 * forecasts and analytics whole), with their ids (the idempotency window).
 */
@Injectable()
export class EventRetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventRetentionService.name);

  constructor(
    private readonly partitions: EventPartitionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Ingestion finds the current month's partition from the first request on,
   * whether or not this replica runs the jobs; the job makes the older ones.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.createMissing(this.clock.now(), 0);
  }

  /** The oldest event timestamp ingestion accepts now. */
  horizon(now: Date): Date {
    return retentionHorizon(now, this.config.eventRetentionMonths);
  }

  /** Creates missing partitions, then drops what expired. */
  async maintain(now: Date): Promise<RetentionReport> {
    const created = await this.createMissing(now, this.config.eventRetentionMonths);
    const horizon = this.horizon(now);
    const report: RetentionReport = {
      created,
      dropped: [],
      kept: [],
      stragglersDeleted: 0,
      idsForgotten: 0,
    };
    for (const month of await this.partitions.months()) {
      if (month.end > horizon) continue;
      const label = month.start.toISOString().slice(0, 7);
      if (await this.partitions.hasOpenInterval(month)) report.kept.push(label);
      else if (await this.partitions.drop(month)) report.dropped.push(label);
    }
    report.stragglersDeleted = await this.partitions.deleteExpiredStragglers(horizon);
    for (let forgotten = FORGET_BATCH; forgotten === FORGET_BATCH;) {
      forgotten = await this.partitions.forgetIdsBefore(horizon, FORGET_BATCH);
      report.idsForgotten += forgotten;
    }
    if (report.kept.length > 0) {
      this.logger.log(
        `expired event months kept for usage still to invoice: ${report.kept.join(', ')}`,
      );
    }
    return report;
  }

  private async createMissing(now: Date, monthsBack: number): Promise<string[]> {
    const existing = new Set((await this.partitions.months()).map((m) => m.start.getTime()));
    const created: string[] = [];
    for (const month of monthsToPartition(now, monthsBack)) {
      if (existing.has(month.start.getTime())) continue;
      await this.partitions.create(month);
      created.push(month.start.toISOString().slice(0, 7));
    }
    return created;
  }
}

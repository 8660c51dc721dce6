import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AlertsEvaluator } from '../alerts/alerts-evaluator.service';
import { Clock } from '../common/clock';
import { JobLock } from './job-lock.service';

const EVERY_FIVE_MINUTES_MS = 5 * 60_000;

/** Forecast rules (bill shock, usage spikes), every five minutes, on one replica at a time. */
@Injectable()
export class AlertsJob {
  constructor(
    private readonly evaluator: AlertsEvaluator,
    private readonly lock: JobLock,
    private readonly clock: Clock,
  ) {}

  @Interval('alerts', EVERY_FIVE_MINUTES_MS)
  run(): Promise<void> {
    return this.lock.run('alerts', async () => {
      await this.evaluator.evaluateScheduled(this.clock.now());
    });
  }
}

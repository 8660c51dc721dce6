import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { CreditGrantsService } from '../credits/credit-grants.service';
import { JobLock } from './job-lock.service';

const EVERY_MINUTE_MS = 60_000;

/** Plan credit grants of the current service intervals, at most a minute after they begin. */
@Injectable()
export class CreditGrantsJob {
  constructor(
    private readonly grants: CreditGrantsService,
    private readonly lock: JobLock,
    private readonly clock: Clock,
  ) {}

  @Interval('credit-grants', EVERY_MINUTE_MS)
  run(): Promise<void> {
    return this.lock.run('credit-grants', () => this.grants.issueDueGrants(this.clock.now()));
  }
}

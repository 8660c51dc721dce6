import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DealOutcomesReader } from '../crm/deal-outcomes-reader.service';
import { JobLock } from './job-lock.service';

const EVERY_FIFTEEN_MINUTES_MS = 15 * 60_000;

/** Deal outcomes read back from the CRM, incrementally, on one replica at a time. */
@Injectable()
export class CrmOutcomesJob {
  constructor(
    private readonly reader: DealOutcomesReader,
    private readonly lock: JobLock,
  ) {}

  @Interval('crm-outcomes', EVERY_FIFTEEN_MINUTES_MS)
  run(): Promise<void> {
    return this.lock.run('crm-outcomes', async () => {
      await this.reader.readBack();
    });
  }
}

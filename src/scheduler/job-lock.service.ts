import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';

/** Makes a timed job run on one replica at a time. */
@Injectable()
export class JobLock {
  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work` under the job's PostgreSQL advisory lock, so replicas take turns.
   * Embedded PGlite belongs to one process: no replica to race, no lock (as in migrate.ts).
   */
  run(job: string, work: () => Promise<void>): Promise<void> {
    if (this.config.database.kind === 'pglite') return work();
    return withAdvisoryLock(this.db, `job:${job}`, work);
  }
}

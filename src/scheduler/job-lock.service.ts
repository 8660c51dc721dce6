import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ShutdownService } from '../common/shutdown.service';
import { AppConfig } from '../config/app-config';
import { withAdvisoryLock } from '../database/advisory-lock';

/** Makes a timed job run on one replica at a time. */
@Injectable()
export class JobLock {
  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly shutdown: ShutdownService,
  ) {}

  /**
   * Runs `work` under the job's PostgreSQL advisory lock, so replicas take turns.
   * Embedded PGlite belongs to one process: no replica to race, no lock (as in migrate.ts).
   */
  async run(job: string, work: () => Promise<void>): Promise<void> {
    // A replica shutting down starts no job; one already running is waited for.
    if (this.shutdown.stopping) return;
    if (this.config.database.kind === 'pglite') return this.shutdown.hold(work);
    return this.shutdown.hold(() => withAdvisoryLock(this.db, `job:${job}`, work));
  }
}

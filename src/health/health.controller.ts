import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/scopes';
import { ShutdownService } from '../common/shutdown.service';
import { pendingMigrations } from '../database/migrate';

/** Health for people and orchestrators; no route here needs an API key. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    private readonly shutdown: ShutdownService,
  ) {}

  /** Liveness and database reachability (the original contract). */
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const database = await this.database();
    if (database.status === 'down') response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: database.status === 'up' ? 'ok' : 'error', database };
  }

  /** Liveness: the process answers. A restart is the remedy when it does not. */
  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP' })
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: whether to send this replica traffic. 503 while the database is
   * unreachable, a migration is still to be applied, or the replica is
   * shutting down.
   */
  @Public()
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 200 when the database is reachable, migrations applied, not shutting down',
  })
  async ready(@Res({ passthrough: true }) response: Response) {
    const database = await this.database();
    const pending = database.status === 'up' ? await pendingMigrations(this.db) : [];
    const stopping = this.shutdown.stopping;
    const ready = database.status === 'up' && pending.length === 0 && !stopping;
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ok' : 'error',
      database,
      migrations: { status: pending.length === 0 ? 'applied' : 'pending', pending },
      shuttingDown: stopping,
    };
  }

  private async database(): Promise<
    { status: 'up'; latencyMs: number } | { status: 'down'; error: string }
  > {
    const started = process.hrtime.bigint();
    try {
      await this.db.query('SELECT 1');
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return { status: 'up', latencyMs: Math.round(latencyMs * 100) / 100 };
    } catch (error) {
      return { status: 'down', error: (error as Error).message };
    }
  }
}

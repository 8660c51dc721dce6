import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/scopes';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DataSource) {}

  /** Liveness and database reachability; the only route that needs no API key. */
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: Response) {
    const started = process.hrtime.bigint();
    try {
      await this.db.query('SELECT 1');
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      return {
        status: 'ok',
        database: { status: 'up', latencyMs: Math.round(latencyMs * 100) / 100 },
      };
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'error', database: { status: 'down', error: (error as Error).message } };
    }
  }
}

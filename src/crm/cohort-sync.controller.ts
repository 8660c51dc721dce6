import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { MONTH_PATTERN } from '../analytics/month';
import { RequiresScope } from '../auth/scopes';
import { parseInput } from '../common/validation';
import { CohortSyncService } from './cohort-sync.service';

const cohortSyncSchema = z.object({
  month: z.string().regex(MONTH_PATTERN, { error: 'must be a month such as "2026-05"' }),
});

/** Operators (and tests) sync a month's cohort snapshots now instead of waiting for the job. */
@ApiTags('crm')
@ApiBearerAuth()
@RequiresScope('admin')
@Controller('v1/crm/cohort-sync')
export class CohortSyncController {
  constructor(private readonly cohorts: CohortSyncService) {}

  @Post()
  @HttpCode(200)
  sync(@Body() body: unknown) {
    const { month } = parseInput(cohortSyncSchema, body);
    return this.cohorts.syncMonth(month);
  }
}

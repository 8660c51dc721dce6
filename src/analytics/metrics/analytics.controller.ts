import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { parseInput } from '../../common/validation';
import { AnalyticsService } from './analytics.service';
import { SMOOTHINGS } from './revenue-metrics';
import { cohortsCsv, expansionCsv, movementsCsv, retentionCsv } from './dto/analytics.csv';
import {
  toCohortsResponse,
  toExpansionResponse,
  toMovementsResponse,
  toRetentionResponse,
} from './dto/analytics.response';
import {
  monthRangeQuerySchema,
  movementsQuerySchema,
  retentionQuerySchema,
} from './dto/analytics-query.schema';

/** JSON by default; CSV when the client prefers `text/csv`. */
function respond<T>(request: Request, response: Response, body: T, csv: (body: T) => string) {
  if (request.accepts(['application/json', 'text/csv']) !== 'text/csv') return body;
  response.type('text/csv; charset=utf-8');
  return csv(body);
}

@ApiTags('analytics')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('mrr-movements')
  @ApiQuery({ name: 'from', example: '2025-01' })
  @ApiQuery({ name: 'to', example: '2026-06' })
  @ApiQuery({ name: 'smoothing', required: false, enum: SMOOTHINGS })
  async movements(
    @Query() query: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { from, to, smoothing } = parseInput(movementsQuerySchema, query);
    const body = toMovementsResponse(
      this.analytics.currency,
      await this.analytics.movements(from, to, smoothing),
    );
    return respond(request, response, body, movementsCsv);
  }

  @Get('retention')
  @ApiQuery({ name: 'month', example: '2026-06' })
  async retention(
    @Query() query: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { month } = parseInput(retentionQuerySchema, query);
    const body = toRetentionResponse(
      this.analytics.currency,
      await this.analytics.retention(month),
    );
    return respond(request, response, body, retentionCsv);
  }

  @Get('cohorts')
  @ApiQuery({ name: 'from', example: '2025-01' })
  @ApiQuery({ name: 'to', example: '2026-06' })
  async cohorts(
    @Query() query: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { from, to } = parseInput(monthRangeQuerySchema, query);
    const body = toCohortsResponse(this.analytics.currency, await this.analytics.cohorts(from, to));
    return respond(request, response, body, cohortsCsv);
  }

  @Get('expansion')
  @ApiQuery({ name: 'from', example: '2025-01' })
  @ApiQuery({ name: 'to', example: '2026-06' })
  async expansion(
    @Query() query: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { from, to } = parseInput(monthRangeQuerySchema, query);
    const body = toExpansionResponse(
      this.analytics.currency,
      await this.analytics.expansion(from, to),
    );
    return respond(request, response, body, expansionCsv);
  }
}

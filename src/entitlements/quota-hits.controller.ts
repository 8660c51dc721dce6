import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../common/validation';
import { toQuotaHitResponse } from './dto/quota-hit.response';
import { quotaHitsQuerySchema } from './dto/quota-hits.schema';
import { QuotaHitsViewService } from './quota-hits-view.service';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller('v1/quota-hits')
export class QuotaHitsController {
  constructor(private readonly hits: QuotaHitsViewService) {}

  @Get()
  @ApiQuery({ name: 'customerExternalId', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'default: 7 days ago' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  async list(@Query() query: unknown) {
    const hits = await this.hits.list(parseInput(quotaHitsQuerySchema, query));
    return { data: hits.map(toQuotaHitResponse) };
  }
}

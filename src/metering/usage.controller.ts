import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { toCustomerUsageResponse } from './dto/customer-usage.response';
import { UsageService } from './usage.service';

@ApiTags('metering')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  async get(@Param('externalId') externalId: string) {
    return toCustomerUsageResponse(await this.usage.currentUsage(externalId));
  }
}

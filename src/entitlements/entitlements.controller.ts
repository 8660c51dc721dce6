import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../auth/scopes';
import { toEntitlementsResponse, toMeterEntitlementsResponse } from './dto/entitlement.response';
import { EntitlementsService } from './entitlements.service';

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/entitlements')
export class EntitlementsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  @Get()
  @RequiresScope('read', 'check')
  @ApiOperation({
    summary:
      'Every quota of the customer: allowed, used, remaining, resetsAt, and the credit that pays for each meter',
  })
  async all(@Param('externalId') externalId: string) {
    return toEntitlementsResponse(await this.entitlements.check(externalId));
  }

  @Get(':meter')
  @RequiresScope('read', 'check')
  @ApiOperation({
    summary: "The customer's quotas on one meter (none: allowed, nothing limits it)",
  })
  async one(@Param('externalId') externalId: string, @Param('meter') meter: string) {
    return toMeterEntitlementsResponse(await this.entitlements.check(externalId, meter));
  }
}

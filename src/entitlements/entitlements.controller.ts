import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresScope, Scope } from '../auth/scopes';
import { ApiJsonResponse } from '../common/http/api-json-response';
import {
  entitlementsResponseSchema,
  meterEntitlementsResponseSchema,
  toEntitlementsResponse,
  toMeterEntitlementsResponse,
} from './dto/entitlement.response';
import { EntitlementsService } from './entitlements.service';

/** The scopes an entitlement check accepts (also on the lean routes, lean-check-routes.ts). */
export const CHECK_SCOPES: [Scope, ...Scope[]] = ['read', 'check'];
export const ENTITLEMENTS_PATH = 'v1/customers/:externalId/entitlements';

/**
 * The entitlement checks as Nest routes, for the API docs: requests are
 * answered by lean-check-routes.ts, mounted in front of Nest's router, with
 * the same steps and answers.
 */
@ApiTags('entitlements')
@ApiBearerAuth()
@Controller(ENTITLEMENTS_PATH)
export class EntitlementsController {
  constructor(private readonly entitlements: EntitlementsService) {}

  @Get()
  @RequiresScope(...CHECK_SCOPES)
  @ApiOperation({
    summary:
      'Every quota of the customer: allowed, used, remaining, resetsAt, and the credit that pays for each meter',
  })
  @ApiJsonResponse(entitlementsResponseSchema, 'The quotas of every meter with one')
  async all(@Param('externalId') externalId: string) {
    return toEntitlementsResponse(await this.entitlements.check(externalId));
  }

  @Get(':meter')
  @RequiresScope(...CHECK_SCOPES)
  @ApiOperation({
    summary: "The customer's quotas on one meter (none: allowed, nothing limits it)",
  })
  @ApiJsonResponse(meterEntitlementsResponseSchema, "The meter's quotas")
  async one(@Param('externalId') externalId: string, @Param('meter') meter: string) {
    return toMeterEntitlementsResponse(await this.entitlements.check(externalId, meter));
  }
}

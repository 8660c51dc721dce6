import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toPlanQuotasResponse, toSubscriptionQuotasResponse } from './dto/quota.response';
import { quotasBodySchema } from './dto/quota.schema';
import { QuotasService } from './quotas.service';

const versionParam = z.strictObject({
  version: z.coerce
    .number({ error: 'must be a version number such as 2' })
    .int({ error: 'must be a version number such as 2' })
    .min(1, { error: 'must be a version number such as 2' })
    .max(2_147_483_647, { error: 'must be a version number such as 2' }),
});

@ApiTags('entitlements')
@ApiBearerAuth()
@Controller()
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get('v1/plans/:key/versions/:version/quotas')
  async planQuotas(@Param('key') key: string, @Param('version') version: string) {
    const parsed = parseInput(versionParam, { version });
    return toPlanQuotasResponse(await this.quotas.planQuotas(key, parsed.version));
  }

  @Put('v1/plans/:key/versions/:version/quotas')
  @ApiJsonBody(quotasBodySchema)
  async setPlanQuotas(
    @Param('key') key: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ) {
    const parsed = parseInput(versionParam, { version });
    const { quotas } = parseInput(quotasBodySchema, body);
    return toPlanQuotasResponse(await this.quotas.setPlanQuotas(key, parsed.version, quotas));
  }

  @Get('v1/subscriptions/:id/quotas')
  async subscriptionQuotas(@Param('id') id: string) {
    return toSubscriptionQuotasResponse(await this.quotas.subscriptionQuotas(id));
  }

  @Put('v1/subscriptions/:id/quotas')
  @ApiJsonBody(quotasBodySchema)
  async setSubscriptionQuotas(@Param('id') id: string, @Body() body: unknown) {
    const { quotas } = parseInput(quotasBodySchema, body);
    return toSubscriptionQuotasResponse(await this.quotas.setSubscriptionQuotas(id, quotas));
  }
}

import { Body, Controller, Headers, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toPlanChangeResponse } from '../customers/dto/plan-change.response';
import { createPlanChangeSchema } from '../customers/dto/plan-change.schema';
import { idempotencyKeyHeaderSchema } from '../customers/dto/subscription.schema';
import { PlanChangesService } from '../customers/plan-changes.service';
import { toPlanChangeNowResponse } from './dto/plan-change-now.response';
import { SubscriptionChangesService } from './subscription-changes.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/subscriptions/:id/plan-changes')
export class PlanChangesController {
  constructor(
    private readonly planChanges: PlanChangesService,
    private readonly changesNow: SubscriptionChangesService,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Moves the subscription to another plan version: from the next billing period (effective 'period_end', the default) or now, prorated (effective 'now')",
  })
  @ApiJsonBody(createPlanChangeSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      "with effective 'now': a retry with the same key answers the first change and changes nothing",
  })
  async create(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    const headers = parseInput(idempotencyKeyHeaderSchema, { 'Idempotency-Key': idempotencyKey });
    const { effective, effectiveAt, licenceQuantities, refundToCredit, ...target } = parseInput(
      createPlanChangeSchema,
      body,
    );
    if (effective === 'period_end') {
      return toPlanChangeResponse(await this.planChanges.schedule(id, target));
    }
    const key = headers['Idempotency-Key'];
    const change = await this.changesNow.changeNow(id, {
      ...target,
      effectiveAt,
      licenceQuantities,
      refundToCredit,
      idempotencyKey: key === undefined ? null : `request:${key}`,
    });
    return toPlanChangeNowResponse(change);
  }
}

import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toPlanChangeResponse } from './dto/plan-change.response';
import { createPlanChangeSchema } from './dto/plan-change.schema';
import { PlanChangesService } from './plan-changes.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/subscriptions/:id/plan-changes')
export class PlanChangesController {
  constructor(private readonly planChanges: PlanChangesService) {}

  /** Moves the subscription to another plan version from the next billing period on. */
  @Post()
  @ApiJsonBody(createPlanChangeSchema)
  async schedule(@Param('id') id: string, @Body() body: unknown) {
    const input = parseInput(createPlanChangeSchema, body);
    return toPlanChangeResponse(await this.planChanges.schedule(id, input));
  }
}

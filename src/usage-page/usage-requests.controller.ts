import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiJsonBody } from '../common/http/api-json-body';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../common/validation';
import { applyRequestSchema, requestListQuerySchema } from './dto/usage-page-input.schema';
import { CustomerRequest } from './usage-requests.repository';
import { UsageRequestsService } from './usage-requests.service';

function toRequestResponse(request: CustomerRequest) {
  const at = (date: Date | null) => date && date.toISOString();
  return {
    id: request.id,
    customerId: request.customerId,
    subscriptionId: request.subscriptionId,
    kind: request.kind,
    plan: request.planKey,
    intervalStart: request.intervalStart.toISOString(),
    intervalEnd: request.intervalEnd.toISOString(),
    requestedAt: request.requestedAt.toISOString(),
    status: request.status,
    appliedAt: at(request.appliedAt),
    effectiveAt: at(request.effectiveAt),
  };
}

/** What customers asked for on their usage pages, and applying a requested plan. */
@ApiTags('usage page')
@ApiBearerAuth()
@Controller('v1/usage-page-requests')
export class UsageRequestsController {
  constructor(private readonly requests: UsageRequestsService) {}

  @Get()
  @ApiOperation({ summary: 'Requests from usage pages, newest first (`status`, `limit`)' })
  async list(@Query() query: unknown) {
    const { status, limit } = parseInput(requestListQuerySchema, query);
    return { data: (await this.requests.list(status ?? null, limit)).map(toRequestResponse) };
  }

  @Post(':id/apply')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Moves the subscription to the requested plan from the next billing period, or now, prorated (effective 'now'), as a plan change does; a top-up is granted with the credits API",
  })
  @ApiJsonBody(applyRequestSchema)
  async apply(@Param('id') id: string, @Body() body: unknown) {
    return toRequestResponse(
      await this.requests.apply(id, parseInput(applyRequestSchema, body ?? {})),
    );
  }
}

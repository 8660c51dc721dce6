import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toPlanResponse, toPlanSummaryResponse, toPlanVersionResponse } from './dto/plan.response';
import { createPlanSchema, setLiveVersionSchema } from './dto/plan.schema';
import { createPlanVersionSchema } from './dto/plan-version.schema';
import { PlansService } from './plans.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post()
  @ApiJsonBody(createPlanSchema)
  async create(@Body() body: unknown) {
    const plan = await this.plans.create(parseInput(createPlanSchema, body));
    return toPlanResponse(plan, []);
  }

  @Get()
  async list() {
    return { data: (await this.plans.list()).map(toPlanSummaryResponse) };
  }

  @Get(':key')
  async get(@Param('key') key: string) {
    const { plan, versions } = await this.plans.get(key);
    return toPlanResponse(plan, versions);
  }

  @Post(':key/versions')
  @ApiJsonBody(createPlanVersionSchema)
  async publishVersion(@Param('key') key: string, @Body() body: unknown) {
    const { plan, version } = await this.plans.publishVersion(
      key,
      parseInput(createPlanVersionSchema, body),
    );
    return toPlanVersionResponse(plan, version);
  }

  @Put(':key/live-version')
  @ApiJsonBody(setLiveVersionSchema)
  async setLiveVersion(@Param('key') key: string, @Body() body: unknown) {
    const { version } = parseInput(setLiveVersionSchema, body);
    const { plan, versions } = await this.plans.setLiveVersion(key, version);
    return toPlanResponse(plan, versions);
  }
}

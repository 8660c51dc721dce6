import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { BillingRunService } from './billing-run.service';
import { toBillingRunResponse } from './dto/billing-run.response';
import { billingRunSchema } from './dto/billing-run.schema';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('v1/billing-runs')
export class BillingRunsController {
  constructor(private readonly billingRuns: BillingRunService) {}

  @Post()
  @HttpCode(200)
  @ApiJsonBody(billingRunSchema)
  async run(@Body() body: unknown) {
    const { asOf } = parseInput(billingRunSchema, body ?? {});
    return toBillingRunResponse(await this.billingRuns.run(asOf));
  }
}

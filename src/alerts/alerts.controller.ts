import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPlanChangeNowResponse } from '../invoicing/dto/plan-change-now.response';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { AlertRulesService } from './alert-rules.service';
import { AlertUpgradesService } from './alert-upgrades.service';
import { AlertsService } from './alerts.service';
import { toAlertRuleResponse } from './dto/alert-rule.response';
import {
  alertsQuerySchema,
  applyUpgradeSchema,
  createAlertRuleSchema,
  updateAlertRuleSchema,
} from './dto/alert-rule.schema';
import { toAlertResponse } from './dto/alert.response';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsService,
    private readonly upgrades: AlertUpgradesService,
  ) {}

  @Post('v1/alert-rules')
  @ApiJsonBody(createAlertRuleSchema)
  async createRule(@Body() body: unknown) {
    return toAlertRuleResponse(await this.rules.create(parseInput(createAlertRuleSchema, body)));
  }

  @Get('v1/alert-rules')
  async listRules() {
    return { data: (await this.rules.list()).map(toAlertRuleResponse) };
  }

  @Patch('v1/alert-rules/:id')
  @ApiJsonBody(updateAlertRuleSchema)
  async updateRule(@Param('id') id: string, @Body() body: unknown) {
    const { enabled } = parseInput(updateAlertRuleSchema, body);
    return toAlertRuleResponse(await this.rules.setEnabled(id, enabled));
  }

  @Delete('v1/alert-rules/:id')
  @HttpCode(204)
  async deleteRule(@Param('id') id: string): Promise<void> {
    await this.rules.delete(id);
  }

  @Get('v1/alerts')
  async list(@Query() query: unknown) {
    return {
      data: (await this.alerts.list(parseInput(alertsQuerySchema, query))).map(toAlertResponse),
    };
  }

  @Post('v1/alerts/:id/apply-upgrade')
  @ApiOperation({
    summary:
      "Applies the plan the alert recommends now, prorated (a plan change with effective 'now'); applying it again changes nothing",
  })
  @ApiJsonBody(applyUpgradeSchema)
  async applyUpgrade(@Param('id') id: string, @Body() body: unknown) {
    const { refundToCredit } = parseInput(applyUpgradeSchema, body ?? {});
    return toPlanChangeNowResponse(await this.upgrades.apply(id, refundToCredit));
  }
}

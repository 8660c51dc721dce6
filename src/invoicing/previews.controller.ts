import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../common/validation';
import { CreditBalanceService } from './credit-balance.service';
import { toCreditBalanceResponse } from './dto/credit-balance.response';
import { creditBalanceQuerySchema } from './dto/credit-balance.schema';
import { toInvoiceResponse } from './dto/invoice.response';
import { UpcomingInvoiceService } from './upcoming-invoice.service';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller()
export class PreviewsController {
  constructor(
    private readonly upcoming: UpcomingInvoiceService,
    private readonly balances: CreditBalanceService,
  ) {}

  @Get('v1/subscriptions/:id/upcoming-invoice')
  async upcomingInvoice(@Param('id') id: string) {
    return toInvoiceResponse(await this.upcoming.upcomingInvoice(id));
  }

  @Get('v1/customers/:externalId/credit-balance')
  @ApiQuery({
    name: 'currency',
    required: false,
    description: "default: the current plan's currency",
  })
  async creditBalance(@Param('externalId') externalId: string, @Query() query: unknown) {
    const { currency } = parseInput(creditBalanceQuerySchema, query);
    return toCreditBalanceResponse(await this.balances.balance(externalId, currency));
  }
}

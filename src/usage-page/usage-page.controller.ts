import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/scopes';
import { CustomerRecord } from '../customers/customer.repository';
import { Formatter } from '../notifications/templates/formatter';
import { resolveMailLocale } from '../notifications/templates/locale';
import { ValidationFailedError } from '../common/errors';
import { formatMoney } from '../common/money';
import { parseInput } from '../common/validation';
import { USAGE_PAGE_PATH } from '../usage-links/usage-links.service';
import { parseCalculatorQuery, requestFormSchema } from './dto/usage-page-input.schema';
import { invoicePage } from './page/invoice-page.html';
import { PAGE_MESSAGES } from './page/page-messages';
import { pageBase, PageContext, planRows, usagePage } from './page/usage-page.html';
import { UsagePageErrorFilter } from './usage-page-error.filter';
import { UsagePageRateLimitGuard } from './usage-page-rate-limit.guard';
import { UsagePageService } from './usage-page.service';
import { UsageRequestsService } from './usage-requests.service';

const HTML = 'text/html; charset=utf-8';

/**
 * The customer's usage page. Public: the token in the path is the credential,
 * and everything shown is read for the token's customer only. Figures are
 * rendered here, so the page reads fine with scripts blocked; the page's own
 * script only refreshes the calculator as figures are typed.
 */
@ApiExcludeController()
@Public()
@UseGuards(UsagePageRateLimitGuard)
@UseFilters(UsagePageErrorFilter)
@Controller(`${USAGE_PAGE_PATH}/:token`)
export class UsagePageController {
  constructor(
    private readonly pages: UsagePageService,
    private readonly requests: UsageRequestsService,
  ) {}

  @Get()
  @Header('Content-Type', HTML)
  async page(
    @Param('token') token: string,
    @Query() query: Record<string, unknown>,
  ): Promise<string> {
    const view = await this.pages.page(token, parseCalculatorQuery(query));
    const requested =
      typeof query.requested === 'string'
        ? await this.requests.findForCustomer(view.customer.id, query.requested)
        : null;
    return usagePage(view, contextFor(view.customer, token), requested);
  }

  /** The calculator's rows for typed figures, for the page's script. */
  @Get('calculator')
  async calculator(@Param('token') token: string, @Query() query: Record<string, unknown>) {
    const edits = parseCalculatorQuery(query);
    if (edits === null) throw ValidationFailedError.field('subscription', 'is required');
    const { customer, currency, calculator } = await this.pages.calculator(token, edits);
    return {
      plans: calculator.plans.map((plan) => ({
        plan: plan.planKey,
        version: plan.version,
        // As POST /v1/quotes writes a total: rounded to the currency's minor unit.
        total: formatMoney(plan.total, currency),
        current: plan.current,
        recommended: plan.recommended,
      })),
      rows: planRows(
        calculator,
        { subscriptionId: edits.subscriptionId, currency },
        contextFor(customer, token),
      ),
    };
  }

  /** "Ask for this plan" and "Top up credits": recorded once, then back to the page with a thank-you. */
  @Post('requests')
  @HttpCode(303)
  async request(
    @Param('token') token: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const form = parseInput(requestFormSchema, body);
    const { request } = await this.requests.request(token, {
      subscriptionId: form.subscription,
      kind: form.kind,
      planKey: form.plan ?? null,
    });
    response.setHeader('Location', `${pageBase(token)}?requested=${request.id}`);
  }

  @Get('invoices/:invoiceId')
  @Header('Content-Type', HTML)
  async invoice(
    @Param('token') token: string,
    @Param('invoiceId') invoiceId: string,
  ): Promise<string> {
    const { customer, invoice } = await this.pages.invoice(token, invoiceId);
    return invoicePage(invoice, customer, contextFor(customer, token));
  }
}

function contextFor(customer: CustomerRecord, token: string): PageContext {
  const { language, formatLocale } = resolveMailLocale(customer.locale);
  return {
    language,
    m: PAGE_MESSAGES[language],
    f: new Formatter(formatLocale),
    base: pageBase(token),
  };
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../auth/scopes';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseQuoteRequest, quoteRequestSchema } from './dto/quote-request.schema';
import { toQuoteResponse } from './dto/quote.response';
import { QuotesService } from './quotes.service';

@ApiTags('quotes')
@ApiBearerAuth()
@Controller('v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  /**
   * The price calculator. It changes nothing, so a `read` key may call it
   * (admin keys too; ingest keys may not), unlike other POST routes.
   */
  @Post()
  @HttpCode(200)
  @RequiresScope('read')
  @ApiOperation({
    summary: 'The price calculator: explicit rates, or one service interval of a plan version',
    description: [
      'Explicit form: `{currency, items: [{rate, quantity} | {rate, events}]}` (events: each value, for percentage rates)',
      '→ `{currency, items: [{amount, exactAmount, breakdown}], total}`.',
      'Plan form: `{plan, version?, usage?, licenceQuantities?}` → `{currency, plan, version, serviceInterval, lines,',
      'subtotal, creditsApplied, total}`, priced as an invoice (lines rounded, credit grants applied, no tax).',
      '`usage` keys are meter keys: every billable item of the meter gets the quantity, unless the key of the item',
      'itself is given, which takes precedence. Changes nothing; `read` keys may call it.',
    ].join(' '),
  })
  @ApiJsonBody(quoteRequestSchema)
  async quote(@Body() body: unknown) {
    return toQuoteResponse(await this.quotes.quote(parseQuoteRequest(body)));
  }
}

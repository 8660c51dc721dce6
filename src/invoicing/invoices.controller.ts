import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiJsonBody } from '../common/http/api-json-body';
import { voidInvoiceSchema } from './dto/credit-note.schema';
import { toCreditNoteResponse } from './dto/credit-note.response';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseInput } from '../common/validation';
import { encodeInvoiceCursor, invoiceListQuerySchema } from './dto/invoice-list.schema';
import { toInvoiceResponse } from './dto/invoice.response';
import { InvoicesService } from './invoices.service';

@ApiTags('invoices')
@ApiBearerAuth()
@Controller('v1/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  @ApiQuery({ name: 'customerExternalId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['draft', 'finalized', 'void'] })
  @ApiQuery({ name: 'subscriptionId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: unknown) {
    const page = await this.invoices.list(parseInput(invoiceListQuerySchema, query));
    return {
      data: page.invoices.map(toInvoiceResponse),
      nextCursor: page.nextCursor && encodeInvoiceCursor(page.nextCursor),
    };
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return toInvoiceResponse(await this.invoices.get(id));
  }

  /**
   * Voids the invoice; a finalized one gets a credit note for what is left
   * (`creditNote` in the answer), optionally refunded to the credit balance.
   */
  @Post(':id/void')
  @HttpCode(200)
  @ApiJsonBody(voidInvoiceSchema)
  async void(@Param('id') id: string, @Body() body: unknown) {
    const options = parseInput(voidInvoiceSchema, body ?? {});
    const { invoice, creditNote } = await this.invoices.void(id, options);
    return {
      ...toInvoiceResponse(invoice),
      creditNote: creditNote && toCreditNoteResponse(creditNote),
    };
  }
}

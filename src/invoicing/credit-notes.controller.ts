import { Body, Controller, Get, Headers, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { idempotencyKeyHeaderSchema } from '../customers/dto/subscription.schema';
import { CreditNotesService } from './credit-notes.service';
import {
  createCreditNoteSchema,
  creditNoteListQuerySchema,
  encodeCreditNoteCursor,
} from './dto/credit-note.schema';
import { toCreditNoteResponse } from './dto/credit-note.response';

@ApiTags('credit notes')
@ApiBearerAuth()
@Controller()
export class CreditNotesController {
  constructor(private readonly creditNotes: CreditNotesService) {}

  /** Credits an overcharge on a finalized invoice, line by line. */
  @Post('v1/invoices/:id/credit-notes')
  @ApiJsonBody(createCreditNoteSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'a retry with the same key returns the first credit note and issues nothing; the key reused on another invoice is a 409',
  })
  async create(
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    const headers = parseInput(idempotencyKeyHeaderSchema, { 'Idempotency-Key': idempotencyKey });
    const input = parseInput(createCreditNoteSchema, body);
    const key = headers['Idempotency-Key'];
    return toCreditNoteResponse(
      await this.creditNotes.correct(id, input, key === undefined ? null : `request:${key}`),
    );
  }

  @Get('v1/credit-notes')
  @ApiQuery({ name: 'customerExternalId', required: false })
  @ApiQuery({ name: 'invoiceId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: unknown) {
    const { limit, cursor, ...filter } = parseInput(creditNoteListQuerySchema, query);
    const page = await this.creditNotes.list(filter, cursor, limit);
    return {
      data: page.creditNotes.map(toCreditNoteResponse),
      nextCursor: page.nextCursor && encodeCreditNoteCursor(page.nextCursor),
    };
  }

  @Get('v1/credit-notes/:id')
  async get(@Param('id') id: string) {
    return toCreditNoteResponse(await this.creditNotes.get(id));
  }
}

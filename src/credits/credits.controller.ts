import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { idempotencyKeyHeaderSchema } from '../customers/dto/subscription.schema';
import { CreditsService } from './credits.service';
import { toCreditLedgerResponse, toCreditLotResponse } from './dto/credit-ledger.response';
import { topUpSchema } from './dto/top-up.schema';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/credits')
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Post()
  @ApiJsonBody(topUpSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key returns the first lot and creates nothing',
  })
  async topUp(
    @Param('externalId') externalId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const headers = parseInput(idempotencyKeyHeaderSchema, { 'Idempotency-Key': idempotencyKey });
    const input = parseInput(topUpSchema, body);
    const { lot, replayed } = await this.credits.topUp(
      externalId,
      input,
      headers['Idempotency-Key'] ?? null,
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toCreditLotResponse(lot);
  }

  @Get()
  async ledger(@Param('externalId') externalId: string) {
    return toCreditLedgerResponse(await this.credits.ledger(externalId));
  }
}

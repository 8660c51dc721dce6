import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { idempotencyKeyHeaderSchema } from '../customers/dto/subscription.schema';
import { toPrepaidBlockListResponse, toPrepaidBlockResponse } from './dto/prepaid-block.response';
import { buyPrepaidBlocksSchema } from './dto/prepaid-block.schema';
import { PrepaidBlocksService } from './prepaid-blocks.service';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/prepaid-blocks')
export class PrepaidBlocksController {
  constructor(private readonly blocks: PrepaidBlocksService) {}

  @Post()
  @ApiJsonBody(buyPrepaidBlocksSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key returns the first lot and buys nothing',
  })
  async buy(
    @Param('externalId') externalId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const headers = parseInput(idempotencyKeyHeaderSchema, { 'Idempotency-Key': idempotencyKey });
    const input = parseInput(buyPrepaidBlocksSchema, body);
    const { lot, replayed } = await this.blocks.buy(
      externalId,
      input,
      headers['Idempotency-Key'] ?? null,
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toPrepaidBlockResponse(lot);
  }

  @Get()
  async list(@Param('externalId') externalId: string) {
    return toPrepaidBlockListResponse(await this.blocks.list(externalId));
  }
}

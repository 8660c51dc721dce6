import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toSubscriptionResponse } from './dto/subscription.response';
import { createSubscriptionSchema, idempotencyKeyHeaderSchema } from './dto/subscription.schema';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller()
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post('v1/subscriptions')
  @ApiJsonBody(createSubscriptionSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a retry with the same key returns the first subscription and creates nothing',
  })
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const headers = parseInput(idempotencyKeyHeaderSchema, { 'Idempotency-Key': idempotencyKey });
    const input = parseInput(createSubscriptionSchema, body);
    const { subscription, replayed } = await this.subscriptions.create(
      input,
      headers['Idempotency-Key'] ?? null,
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toSubscriptionResponse(subscription);
  }

  @Get('v1/subscriptions/:id')
  async get(@Param('id') id: string) {
    return toSubscriptionResponse(await this.subscriptions.get(id));
  }

  @Get('v1/customers/:externalId/subscriptions')
  async listForCustomer(@Param('externalId') externalId: string) {
    return {
      data: (await this.subscriptions.listForCustomer(externalId)).map(toSubscriptionResponse),
    };
  }
}

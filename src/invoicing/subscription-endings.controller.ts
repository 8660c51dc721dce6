import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { endSubscriptionSchema } from './dto/credit-note.schema';
import { toCreditNoteResponse } from './dto/credit-note.response';
import { SubscriptionEndingsService } from './subscription-endings.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/subscriptions/:id/end')
export class SubscriptionEndingsController {
  constructor(private readonly endings: SubscriptionEndingsService) {}

  /** Ends the subscription early (default now), crediting fees billed in advance for after the end. */
  @Post()
  @HttpCode(200)
  @ApiJsonBody(endSubscriptionSchema)
  async end(@Param('id') id: string, @Body() body: unknown) {
    const ended = await this.endings.end(id, parseInput(endSubscriptionSchema, body ?? {}));
    return {
      subscriptionId: ended.subscriptionId,
      endDate: ended.endDate.toISOString(),
      creditNotes: ended.creditNotes.map(toCreditNoteResponse),
    };
  }
}

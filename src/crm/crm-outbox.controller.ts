import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../auth/scopes';
import { NotFoundError } from '../common/errors';
import { parseInput } from '../common/validation';
import { toOutboxMessageResponse } from '../outbox/dto/outbox-message.response';
import { outboxQuerySchema } from '../outbox/dto/outbox-query.schema';
import { OutboxService } from '../outbox/outbox.service';

/** The CRM's share of the outbox (issue 5's `/v1/crm/outbox`): `/v1/outbox` narrowed to channel `crm`. */
@ApiTags('crm')
@ApiBearerAuth()
@RequiresScope('admin')
@Controller('v1/crm/outbox')
export class CrmOutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @ApiQuery({ name: 'status', required: false, description: 'pending, sent, skipped or dead' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: unknown) {
    const filter = parseInput(outboxQuerySchema.omit({ channel: true }), query);
    const page = await this.outbox.list({ ...filter, channel: 'crm' });
    return { data: page.messages.map(toOutboxMessageResponse), nextCursor: page.nextCursor };
  }

  @Post(':id/replay')
  @HttpCode(200)
  async replay(@Param('id') id: string) {
    const message = await this.outbox.find(id);
    if (message?.channel !== 'crm') throw new NotFoundError('CRM outbox message', id);
    return toOutboxMessageResponse(await this.outbox.replay(id));
  }
}

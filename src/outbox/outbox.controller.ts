import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../auth/scopes';
import { parseInput } from '../common/validation';
import { toOutboxMessageResponse } from './dto/outbox-message.response';
import { outboxQuerySchema } from './dto/outbox-query.schema';
import { OutboxService } from './outbox.service';

/** The operators' view of pending, delivered and dead side effects; payloads hold customer data, hence admin. */
@ApiTags('outbox')
@ApiBearerAuth()
@RequiresScope('admin')
@Controller('v1/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @ApiQuery({ name: 'channel', required: false, description: 'email or crm' })
  @ApiQuery({ name: 'status', required: false, description: 'pending, sent, skipped or dead' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: unknown) {
    const page = await this.outbox.list(parseInput(outboxQuerySchema, query));
    return { data: page.messages.map(toOutboxMessageResponse), nextCursor: page.nextCursor };
  }

  @Post(':id/replay')
  @HttpCode(200)
  async replay(@Param('id') id: string) {
    return toOutboxMessageResponse(await this.outbox.replay(id));
  }
}

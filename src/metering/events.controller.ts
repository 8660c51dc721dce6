import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequiresScope } from '../auth/scopes';
import { ApiJsonBody } from '../common/http/api-json-body';
import { ChecksBatchItems } from '../common/http/input-screen.interceptor';
import { documentedIngestEventsSchema, IngestResult } from './dto/ingest-events.dto';
import { IngestService } from './ingest.service';

@ApiTags('metering')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(200)
  @RequiresScope('ingest')
  @ChecksBatchItems('events')
  @ApiJsonBody(documentedIngestEventsSchema)
  send(@Body() body: unknown): Promise<IngestResult> {
    return this.ingest.ingest(body);
  }
}

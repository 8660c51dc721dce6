import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { emailPreferencesSchema } from './dto/email-preferences.schema';
import { EmailPreferencesService } from './email-preferences.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/email-preferences')
export class EmailPreferencesController {
  constructor(private readonly preferences: EmailPreferencesService) {}

  @Get()
  get(@Param('externalId') externalId: string) {
    return this.preferences.get(externalId);
  }

  @Put()
  @ApiJsonBody(emailPreferencesSchema)
  update(@Param('externalId') externalId: string, @Body() body: unknown) {
    return this.preferences.update(externalId, parseInput(emailPreferencesSchema, body));
  }
}

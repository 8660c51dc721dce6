import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../../common/http/api-json-body';
import { parseInput } from '../../common/validation';
import { revenueImportSchema } from './dto/revenue-import.schema';
import { RevenueImportService } from './revenue-import.service';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/revenue/import')
export class RevenueImportController {
  constructor(private readonly imports: RevenueImportService) {}

  @Post()
  @HttpCode(200)
  @ApiJsonBody(revenueImportSchema)
  async import(@Body() body: unknown) {
    return this.imports.import(parseInput(revenueImportSchema, body));
  }
}

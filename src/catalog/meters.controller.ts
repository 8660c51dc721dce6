import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { toMeterResponse } from './dto/meter.response';
import { createMeterSchema } from './dto/meter.schema';
import { MetersService } from './meters.service';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/meters')
export class MetersController {
  constructor(private readonly meters: MetersService) {}

  @Post()
  @ApiJsonBody(createMeterSchema)
  async create(@Body() body: unknown) {
    return toMeterResponse(await this.meters.create(parseInput(createMeterSchema, body)));
  }

  @Get()
  async list() {
    return { data: (await this.meters.list()).map(toMeterResponse) };
  }

  @Get(':key')
  async get(@Param('key') key: string) {
    return toMeterResponse(await this.meters.get(key));
  }
}

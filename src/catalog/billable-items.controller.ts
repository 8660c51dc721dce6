import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { BillableItemsService } from './billable-items.service';
import { toBillableItemResponse } from './dto/billable-item.response';
import { createBillableItemSchema } from './dto/billable-item.schema';

@ApiTags('catalog')
@ApiBearerAuth()
@Controller('v1/billable-items')
export class BillableItemsController {
  constructor(private readonly items: BillableItemsService) {}

  @Post()
  @ApiJsonBody(createBillableItemSchema)
  async create(@Body() body: unknown) {
    return toBillableItemResponse(
      await this.items.create(parseInput(createBillableItemSchema, body)),
    );
  }

  @Get()
  async list() {
    return { data: (await this.items.list()).map(toBillableItemResponse) };
  }

  @Get(':key')
  async get(@Param('key') key: string) {
    return toBillableItemResponse(await this.items.get(key));
  }
}

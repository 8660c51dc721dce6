import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { CustomersService } from './customers.service';
import { toCustomerResponse } from './dto/customer.response';
import { createCustomerSchema, updateCustomerSchema } from './dto/customer.schema';
import { pageQuerySchema } from './dto/page.schema';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiJsonBody(createCustomerSchema)
  async create(@Body() body: unknown) {
    return toCustomerResponse(await this.customers.create(parseInput(createCustomerSchema, body)));
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  async list(@Query() query: unknown) {
    const page = await this.customers.list(parseInput(pageQuerySchema, query));
    return { data: page.customers.map(toCustomerResponse), nextCursor: page.nextCursor };
  }

  @Get(':externalId')
  async get(@Param('externalId') externalId: string) {
    return toCustomerResponse(await this.customers.get(externalId));
  }

  @Patch(':externalId')
  @ApiJsonBody(updateCustomerSchema)
  async update(@Param('externalId') externalId: string, @Body() body: unknown) {
    return toCustomerResponse(
      await this.customers.update(externalId, parseInput(updateCustomerSchema, body)),
    );
  }
}

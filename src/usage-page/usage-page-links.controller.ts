import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../common/errors';
import { CustomerRepository } from '../customers/customer.repository';
import { UsageLinksService, UsagePageUrl } from '../usage-links/usage-links.service';

function toLinkResponse(externalId: string, link: UsagePageUrl) {
  return { customerExternalId: externalId, url: link.url, createdAt: link.createdAt.toISOString() };
}

/** The customer's usage page link, for support and sales; rotating it kills the old one. */
@ApiTags('usage page')
@ApiBearerAuth()
@Controller('v1/customers/:externalId/usage-page')
export class UsagePageLinksController {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly links: UsageLinksService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The customer's usage page link (created on first use)" })
  async get(@Param('externalId') externalId: string) {
    return toLinkResponse(externalId, await this.links.urlFor(await this.customerId(externalId)));
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replaces the link’s token: the old link answers 404 from now on' })
  async rotate(@Param('externalId') externalId: string) {
    return toLinkResponse(externalId, await this.links.rotate(await this.customerId(externalId)));
  }

  private async customerId(externalId: string): Promise<string> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return customer.id;
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { keyField, parseInput } from '../common/validation';
import { CustomerRepository } from '../customers/customer.repository';
import { DealOutcomesService } from './deal-outcomes.service';

const querySchema = z.strictObject({
  customerExternalId: z
    .union([keyField, z.array(keyField).min(1).max(100)])
    .transform((value) => (Array.isArray(value) ? value : [value])),
});

/** Each deal's stage as sales left it in the CRM (read back by the outcome job); the dashboard's pipeline shows it. */
@ApiTags('crm')
@ApiBearerAuth()
@Controller('v1/crm/deal-stages')
export class DealStagesController {
  constructor(
    private readonly outcomes: DealOutcomesService,
    private readonly customers: CustomerRepository,
  ) {}

  @Get()
  @ApiQuery({
    name: 'customerExternalId',
    required: true,
    description: 'repeat for up to 100 customers',
  })
  async list(@Query() query: unknown) {
    const { customerExternalId } = parseInput(querySchema, query);
    const found = await Promise.all(
      customerExternalId.map((id) => this.customers.findByExternalId(id)),
    );
    const externalIdOf = new Map(found.flatMap((c) => (c ? [[c.id, c.externalId] as const] : [])));
    const stages = await this.outcomes.stages([...externalIdOf.keys()]);
    return {
      data: stages.map((s) => ({
        customerExternalId: externalIdOf.get(s.customerId),
        reason: s.dealKey.slice(s.customerId.length + 1),
        stage: s.stage,
        outcome: s.outcome,
        amount: s.amount,
        currency: s.currency,
        crmModifiedAt: s.crmModifiedAt.toISOString(),
      })),
    };
  }
}

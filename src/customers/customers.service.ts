import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { CustomerRecord, CustomerRepository } from './customer.repository';
import { CreateCustomerInput, UpdateCustomerInput } from './dto/customer.schema';
import { encodeCursor, PageQuery } from './dto/page.schema';

export interface CustomerPage {
  customers: CustomerRecord[];
  nextCursor: string | null;
}

@Injectable()
export class CustomersService {
  constructor(private readonly customers: CustomerRepository) {}

  create(input: CreateCustomerInput): Promise<CustomerRecord> {
    return this.customers.insert(input);
  }

  async get(externalId: string): Promise<CustomerRecord> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return customer;
  }

  async list(page: PageQuery): Promise<CustomerPage> {
    // One row more than asked tells whether another page exists.
    const rows = await this.customers.listPage(page.limit + 1, page.cursor);
    const customers = rows.slice(0, page.limit);
    const hasMore = rows.length > page.limit;
    return {
      customers,
      nextCursor: hasMore ? encodeCursor(customers[customers.length - 1].externalId) : null,
    };
  }

  async update(externalId: string, changes: UpdateCustomerInput): Promise<CustomerRecord> {
    const customer = await this.customers.update(externalId, changes);
    if (!customer) throw new NotFoundError('customer', externalId);
    return customer;
  }
}

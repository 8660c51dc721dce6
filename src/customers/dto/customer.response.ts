import { toDecimalString } from '../../common/decimal';
import { CustomerRecord } from '../customer.repository';

export function toCustomerResponse(customer: CustomerRecord) {
  return {
    externalId: customer.externalId,
    name: customer.name,
    email: customer.email,
    locale: customer.locale,
    currency: customer.currency,
    taxRate: toDecimalString(customer.taxRate),
    crm: customer.crm,
    createdAt: customer.createdAt.toISOString(),
  };
}

export type CustomerResponse = ReturnType<typeof toCustomerResponse>;

import { Injectable } from '@nestjs/common';
import { PlanVersionLimit } from '../catalog/plan-version-with-limits-join-sql';
import { CustomerRepository } from '../customers/customer.repository';
import {
  SubscriptionsWithLimitsRepository,
  SubscriptionWithLimits,
} from '../customers/subscriptions-with-limits.repository';

export type SubjectMeterLimit = PlanVersionLimit;

/** A subscription with what forecasts and alerts need about it, its plan and its customer. */
export type ForecastSubject = SubscriptionWithLimits;

/** The subscriptions forecasts and alert rules look at, read through the customers module, one statement each. */
@Injectable()
export class ForecastSubjectsRepository {
  constructor(
    private readonly subscriptions: SubscriptionsWithLimitsRepository,
    private readonly customers: CustomerRepository,
  ) {}

  findById(subscriptionId: string, at: Date): Promise<ForecastSubject | null> {
    return this.subscriptions.findById(subscriptionId, at);
  }

  /** Subscriptions running at `at` of these customers (all customers when null). */
  active(customerIds: readonly string[] | null, at: Date): Promise<ForecastSubject[]> {
    return this.subscriptions.running(customerIds, at);
  }

  async findCustomerId(externalId: string): Promise<string | null> {
    return (await this.customers.findByExternalId(externalId))?.id ?? null;
  }
}

import { isUuid } from '../common/ids';
import { Injectable } from '@nestjs/common';
import { licenceQuantitiesOf, licenceQuantityProblems } from '../catalog/licence-quantities';
import { PlanVersionRecord } from '../catalog/plan-version.repository';
import { PlanVersionLookup } from '../catalog/plan-version-lookup.service';
import { billingCurrency } from '../catalog/plan-version-currencies';
import { Clock } from '../common/clock';
import { CustomerListeners } from '../common/customer-listeners.service';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../common/errors';
import { Cadence, describeCadence, isLongerThan } from '../common/period';
import { CustomerRepository } from './customer.repository';
import { CreateSubscriptionInput } from './dto/subscription.schema';
import { PlanChangeRepository } from './plan-change.repository';
import {
  NewSubscription,
  SubscriptionRecord,
  SubscriptionRepository,
} from './subscription.repository';
import { SubscriptionView, subscriptionView } from './subscription-view';

export interface CreatedSubscription {
  subscription: SubscriptionView;
  /** True when an earlier request with the same idempotency key created it. */
  replayed: boolean;
}

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly customers: CustomerRepository,
    private readonly lookup: PlanVersionLookup,
    private readonly planChanges: PlanChangeRepository,
    private readonly clock: Clock,
    private readonly listeners: CustomerListeners,
  ) {}

  async create(
    input: CreateSubscriptionInput,
    idempotencyKey: string | null,
  ): Promise<CreatedSubscription> {
    const earlier = idempotencyKey
      ? await this.subscriptions.findByIdempotencyKey(idempotencyKey)
      : null;
    if (earlier) return { subscription: await this.view(earlier), replayed: true };

    const customer = await this.customers.findByExternalId(input.customerExternalId);
    if (!customer) {
      throw ValidationFailedError.field(
        'customerExternalId',
        `no customer with externalId '${input.customerExternalId}'`,
      );
    }
    const { plan, version } = await this.lookup.find(input.plan, input.version);
    const startDate = input.startDate ?? this.clock.now();
    const billing = billingCurrency(plan.currency, version.currencies, customer.currency);
    const problems = [
      ...('problem' in billing
        ? [
            {
              field: 'customerExternalId',
              problem: `customer '${customer.externalId}' ${billing.problem}`,
            },
          ]
        : []),
      ...cadenceProblems(input, version),
      ...licenceQuantityProblems(input.licenceQuantities, input.plan, version),
      ...(input.endDate && input.endDate <= startDate
        ? [{ field: 'endDate', problem: 'must be after startDate' }]
        : []),
    ];
    if (problems.length > 0) throw new ValidationFailedError(problems);

    const subscription: NewSubscription = {
      customerId: customer.id,
      planVersionId: version.id,
      currency: 'currency' in billing ? billing.currency : plan.currency,
      startDate,
      endDate: input.endDate,
      billingCadence: input.billingCadence,
      licences: licenceQuantitiesOf(version, input.licenceQuantities).map(({ fee, quantity }) => ({
        billableItemId: fee.billableItem.id,
        quantity,
      })),
      idempotencyKey,
    };
    const { id, created } = await this.subscriptions.insert(subscription);
    this.listeners.changed([customer.id]);
    return { subscription: await this.get(id), replayed: !created };
  }

  /** Unknown and malformed ids are both simply not found. */
  async get(id: string): Promise<SubscriptionView> {
    const subscription = isUuid(id) ? await this.subscriptions.findById(id) : null;
    if (!subscription) throw new NotFoundError('subscription', id);
    return this.view(subscription);
  }

  async listForCustomer(externalId: string): Promise<SubscriptionView[]> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    const subscriptions = await this.subscriptions.listByCustomer(customer.id);
    const changes = await this.planChanges.findBySubscriptionIds(subscriptions.map((s) => s.id));
    const now = this.clock.now();
    return subscriptions.map((s) => subscriptionView(s, changes.get(s.id) ?? [], now));
  }

  private async view(subscription: SubscriptionRecord): Promise<SubscriptionView> {
    const changes = await this.planChanges.findBySubscriptionId(subscription.id);
    return subscriptionView(subscription, changes, this.clock.now());
  }
}

/** Usage is billed per completed service interval, so an interval may not outlast the billing period. */
function cadenceProblems(
  input: CreateSubscriptionInput,
  version: PlanVersionRecord,
): FieldProblem[] {
  const cadence: Cadence = { unit: input.billingCadence.unit, count: input.billingCadence.count };
  if (!isLongerThan(version.serviceInterval, cadence)) return [];
  return [
    {
      field: 'billingCadence',
      problem: `must not be shorter than the service interval of plan '${input.plan}' version ${version.version} (${describeCadence(version.serviceInterval)})`,
    },
  ];
}

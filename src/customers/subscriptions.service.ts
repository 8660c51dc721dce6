import { isUuid } from '../common/ids';
import { Injectable } from '@nestjs/common';
import { PlanRepository } from '../catalog/plan.repository';
import { PlanVersionRecord, PlanVersionRepository } from '../catalog/plan-version.repository';
import { Clock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../common/errors';
import { Cadence, isLongerThan } from '../common/period';
import { CustomerRepository } from './customer.repository';
import { CreateSubscriptionInput } from './dto/subscription.schema';
import {
  NewSubscription,
  SubscriptionRecord,
  SubscriptionRepository,
} from './subscription.repository';


/** A licence fee the request leaves out is billed once, as a platform fee would be. */
const DEFAULT_LICENCE_QUANTITY = new Decimal(1);

export interface CreatedSubscription {
  subscription: SubscriptionRecord;
  /** True when an earlier request with the same idempotency key created it. */
  replayed: boolean;
}

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly customers: CustomerRepository,
    private readonly plans: PlanRepository,
    private readonly versions: PlanVersionRepository,
    private readonly clock: Clock,
  ) {}

  async create(
    input: CreateSubscriptionInput,
    idempotencyKey: string | null,
  ): Promise<CreatedSubscription> {
    const earlier = idempotencyKey
      ? await this.subscriptions.findByIdempotencyKey(idempotencyKey)
      : null;
    if (earlier) return { subscription: earlier, replayed: true };

    const customer = await this.customers.findByExternalId(input.customerExternalId);
    if (!customer) {
      throw ValidationFailedError.field(
        'customerExternalId',
        `no customer with externalId '${input.customerExternalId}'`,
      );
    }
    const version = await this.resolveVersion(input.plan, input.version);
    const startDate = input.startDate ?? this.clock.now();
    const problems = [
      ...cadenceProblems(input, version),
      ...licenceProblems(input, version),
      ...(input.endDate && input.endDate <= startDate
        ? [{ field: 'endDate', problem: 'must be after startDate' }]
        : []),
    ];
    if (problems.length > 0) throw new ValidationFailedError(problems);

    const quantities = new Map(Object.entries(input.licenceQuantities));
    const subscription: NewSubscription = {
      customerId: customer.id,
      planVersionId: version.id,
      startDate,
      endDate: input.endDate,
      billingCadence: input.billingCadence,
      licences: version.licenceFees.map((fee) => ({
        billableItemId: fee.billableItem.id,
        quantity: quantities.get(fee.billableItem.key) ?? DEFAULT_LICENCE_QUANTITY,
      })),
      idempotencyKey,
    };
    const { id, created } = await this.subscriptions.insert(subscription);
    return { subscription: await this.get(id), replayed: !created };
  }

  /** Unknown and malformed ids are both simply not found. */
  async get(id: string): Promise<SubscriptionRecord> {
    const subscription = isUuid(id) ? await this.subscriptions.findById(id) : null;
    if (!subscription) throw new NotFoundError('subscription', id);
    return subscription;
  }

  async listForCustomer(externalId: string): Promise<SubscriptionRecord[]> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return this.subscriptions.listByCustomer(customer.id);
  }

  /** The version asked for, or the plan's live one. */
  private async resolveVersion(
    planKey: string,
    number: number | undefined,
  ): Promise<PlanVersionRecord> {
    const plan = await this.plans.findByKey(planKey);
    if (!plan) throw ValidationFailedError.field('plan', `no plan with key '${planKey}'`);
    const wanted = number ?? plan.liveVersion;
    if (wanted === null) {
      throw ValidationFailedError.field(
        'version',
        `plan '${planKey}' has no live version: name a version`,
      );
    }
    const version = await this.versions.findOne(plan.id, wanted);
    if (!version)
      throw ValidationFailedError.field('version', `plan '${planKey}' has no version ${wanted}`);
    return version;
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
      problem: `must not be shorter than the service interval of plan '${input.plan}' version ${version.version} (${describe(version.serviceInterval)})`,
    },
  ];
}

function licenceProblems(
  input: CreateSubscriptionInput,
  version: PlanVersionRecord,
): FieldProblem[] {
  const fees = version.licenceFees.map((fee) => fee.billableItem.key);
  const offered = fees.length > 0 ? fees.join(', ') : 'none';
  return Object.keys(input.licenceQuantities)
    .filter((key) => !fees.includes(key))
    .map((key) => ({
      field: `licenceQuantities.${key}`,
      problem: `is not a licence fee of plan '${input.plan}' version ${version.version} (it has: ${offered})`,
    }));
}

function describe(cadence: Cadence): string {
  return `${cadence.count} ${cadence.unit}${cadence.count === 1 ? '' : 's'}`;
}

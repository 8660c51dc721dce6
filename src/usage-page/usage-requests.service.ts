import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { intervalsPerYear } from '../alerts/recommendation';
import { Clock } from '../common/clock';
import { Decimal, ZERO } from '../common/decimal';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { PlanChangesService } from '../customers/plan-changes.service';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { inTransaction } from '../database/transaction';
import { SubscriptionChangesService } from '../invoicing/subscription-changes.service';
import {
  CustomerRequest,
  RequestKind,
  RequestStatus,
  UsageRequestsRepository,
} from './usage-requests.repository';
import { UsagePageService } from './usage-page.service';

/** When an applied request takes effect (`POST /v1/usage-page-requests/{id}/apply`). */
export interface ApplyOptions {
  effective: 'period_end' | 'now';
  refundToCredit: boolean;
}

export interface RequestInput {
  subscriptionId: string;
  kind: RequestKind;
  /** Required for a plan change. */
  planKey: string | null;
}

/**
 * What customers ask for on their page: recorded once per subscription, kind,
 * plan and service interval, and handed to sales through the CRM outbox in the
 * same transaction, so a request is in the CRM if and only if it is recorded.
 */
@Injectable()
export class UsageRequestsService {
  constructor(
    private readonly db: DataSource,
    private readonly page: UsagePageService,
    private readonly requests: UsageRequestsRepository,
    private readonly crm: CrmOutbox,
    private readonly planChanges: PlanChangesService,
    private readonly changesNow: SubscriptionChangesService,
    private readonly clock: Clock,
  ) {}

  async request(
    token: string,
    input: RequestInput,
  ): Promise<{ request: CustomerRequest; created: boolean }> {
    const customer = await this.page.customerOf(token);
    const forecast = await this.page.forecastOf(customer.id, input.subscriptionId);
    const calculator = await this.page.calculate(forecast, null);
    const current = calculator.plans.find((plan) => plan.current);
    if (!current)
      throw new NotFoundError('plan to price the subscription on', input.subscriptionId);
    const requested =
      input.kind === 'plan_change'
        ? calculator.plans.find((plan) => !plan.current && plan.planKey === input.planKey)
        : null;
    if (input.kind === 'plan_change' && !requested) {
      throw ValidationFailedError.field(
        'plan',
        `must be one of the plans the page offers: ${
          calculator.plans
            .filter((p) => !p.current)
            .map((p) => p.planKey)
            .join(', ') || 'none'
        }`,
      );
    }
    const credit = input.kind === 'credit_top_up' ? await this.page.creditBalance(customer) : null;
    const now = this.clock.now();
    const projectedBill = forecast.projectedBill.expected;
    const amount = requested
      ? Decimal.max(ZERO, requested.total.minus(current.total)).times(
          intervalsPerYear(current.serviceInterval),
        )
      : Decimal.max(ZERO, projectedBill.minus(credit?.balance ?? ZERO));
    return inTransaction(this.db, async (tx) => {
      const recorded = await this.requests.insertOnce(tx, {
        customerId: customer.id,
        subscriptionId: forecast.subject.subscriptionId,
        kind: input.kind,
        planKey: requested?.planKey ?? null,
        intervalStart: forecast.interval.start,
        intervalEnd: forecast.interval.end,
        requestedAt: now,
      });
      if (recorded.created) {
        await this.crm.enqueueCustomerRequest(tx, customer.id, {
          requestId: recorded.request.id,
          kind: input.kind,
          currentPlan: current.planKey,
          requestedPlan: requested?.planKey ?? null,
          currency: forecast.currency,
          currentCost: current.total.toFixed(),
          requestedCost: requested ? requested.total.toFixed() : null,
          amount: amount.toFixed(),
          projectedBill: projectedBill.toFixed(),
          creditBalance: credit ? credit.balance.toFixed() : null,
          requestedAt: now.toISOString(),
          intervalEnd: forecast.interval.end.toISOString(),
        });
      }
      return recorded;
    });
  }

  /** A request of this customer (for the page's thank-you); another's or none is null. */
  async findForCustomer(customerId: string, id: string): Promise<CustomerRequest | null> {
    const request = isUuid(id) ? await this.requests.findById(id) : null;
    return request?.customerId === customerId ? request : null;
  }

  list(status: RequestStatus | null, limit: number): Promise<CustomerRequest[]> {
    return this.requests.list(status, limit);
  }

  /**
   * Moves the subscription to the requested plan through the plan-change
   * mechanism: from the next billing period on, or now, prorated (keyed by the
   * request, as a change now from an alert is by the alert). A top-up has no
   * plan to apply: sales grant the credit with the credits API.
   */
  async apply(id: string, options: ApplyOptions): Promise<CustomerRequest> {
    const request = isUuid(id) ? await this.requests.findById(id) : null;
    if (!request) throw new NotFoundError('usage page request', id);
    if (request.status === 'applied') throw new ConflictError(`request '${id}' is already applied`);
    if (request.kind !== 'plan_change' || request.planKey === null) {
      throw new ConflictError(
        `request '${id}' asks for a credit top-up: grant it with POST /v1/customers/{externalId}/credits`,
      );
    }
    const target = { plan: request.planKey };
    const change =
      options.effective === 'now'
        ? await this.changesNow.changeNow(request.subscriptionId, {
            ...target,
            refundToCredit: options.refundToCredit,
            idempotencyKey: `usage-request:${request.id}`,
          })
        : await this.planChanges.schedule(request.subscriptionId, target);
    const applied = await this.requests.markApplied(
      this.db,
      id,
      this.clock.now(),
      change.effectiveAt,
    );
    if (!applied) throw new ConflictError(`request '${id}' is already applied`);
    return applied;
  }
}

import { Injectable } from '@nestjs/common';
import { MeterRepository } from '../catalog/meter.repository';
import { PlanRepository } from '../catalog/plan.repository';
import { Clock } from '../common/clock';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { CustomerRepository } from '../customers/customer.repository';
import { AlertRule, kindOf } from './alert-rule-kinds';
import { AlertRulesRepository, NewAlertRule } from './alert-rules.repository';
import { CreateAlertRuleInput } from './dto/alert-rule.schema';

/** Defining, listing, switching and removing alert rules. */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly rules: AlertRulesRepository,
    private readonly meters: MeterRepository,
    private readonly plans: PlanRepository,
    private readonly customers: CustomerRepository,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateAlertRuleInput): Promise<AlertRule> {
    const meterKey = 'meter' in input ? input.meter : undefined;
    const planKey = 'plan' in input.scope ? input.scope.plan : undefined;
    const customerKey =
      'customerExternalId' in input.scope ? input.scope.customerExternalId : undefined;
    const ids = await this.resolveKeys(meterKey, planKey, customerKey);
    const problems: FieldProblem[] = [];
    if (meterKey !== undefined && ids.meterId === null)
      problems.push({ field: 'meter', problem: `no meter with key '${meterKey}'` });
    if (planKey !== undefined && ids.planId === null)
      problems.push({ field: 'scope.plan', problem: `no plan with key '${planKey}'` });
    if (customerKey !== undefined && ids.customerId === null)
      problems.push({
        field: 'scope.customerExternalId',
        problem: `no customer with external id '${customerKey}'`,
      });
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return this.rules.insert(toNewRule(input, ids));
  }

  /** The ids of the keys a rule names, from their owners; null for each key that names nothing. */
  private async resolveKeys(
    meterKey: string | undefined,
    planKey: string | undefined,
    customerKey: string | undefined,
  ): Promise<{ meterId: string | null; planId: string | null; customerId: string | null }> {
    const [meter, plan, customer] = await Promise.all([
      meterKey === undefined ? null : this.meters.findByKey(meterKey),
      planKey === undefined ? null : this.plans.findByKey(planKey),
      customerKey === undefined ? null : this.customers.findByExternalId(customerKey),
    ]);
    return {
      meterId: meter?.id ?? null,
      planId: plan?.id ?? null,
      customerId: customer?.id ?? null,
    };
  }

  list(): Promise<AlertRule[]> {
    return this.rules.list();
  }

  async setEnabled(id: string, enabled: boolean): Promise<AlertRule> {
    if (!isUuid(id) || !(await this.rules.setEnabled(id, enabled)))
      throw new NotFoundError('alert rule', id);
    const rule = await this.rules.findById(id);
    if (!rule) throw new NotFoundError('alert rule', id);
    return rule;
  }

  async delete(id: string): Promise<void> {
    if (!isUuid(id) || !(await this.rules.softDelete(id, this.clock.now())))
      throw new NotFoundError('alert rule', id);
  }
}

function toNewRule(
  input: CreateAlertRuleInput,
  ids: { meterId: string | null; planId: string | null; customerId: string | null },
): NewAlertRule {
  return {
    levels: null,
    factor: null,
    minIncrease: null,
    amount: null,
    percent: null,
    multiplier: null,
    hits: null,
    windows: null,
    ...kindOf(input.type).toParameters(input),
    type: input.type,
    meterId: ids.meterId,
    planId: ids.planId,
    customerId: ids.customerId,
    channels: input.channels,
    enabled: input.enabled,
  };
}

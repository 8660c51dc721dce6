import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeterRecord } from '../catalog/meter.repository';
import { PlanRepository } from '../catalog/plan.repository';
import { PlanVersionRepository } from '../catalog/plan-version.repository';
import { Clock } from '../common/clock';
import { CustomerListeners } from '../common/customer-listeners.service';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { isUuid } from '../common/ids';
import { SubscriptionRecord, SubscriptionRepository } from '../customers/subscription.repository';
import { inTransaction } from '../database/transaction';
import { ForecastSubjectsRepository } from '../forecasting/forecast-subjects.repository';
import { CatalogDirectory } from './catalog-directory.service';
import { QuotaInput } from './dto/quota.schema';
import { QuotaInForce, QuotasRepository, StoredQuota } from './quotas.repository';

/** A quota with its meter, as the API shows it. */
export interface QuotaView extends StoredQuota {
  meterKey: string;
}

export interface PlanVersionQuotas {
  planKey: string;
  version: number;
  quotas: QuotaView[];
}

export interface SubscriptionQuotas {
  subscriptionId: string;
  /** The negotiated quotas of the subscription itself. */
  quotas: QuotaView[];
  /** What applies now: the plan version's quotas with the negotiated ones in their place. */
  inForce: Array<QuotaView & Pick<QuotaInForce, 'source'>>;
}

/** Quotas are counted from usage buckets, which hold event counts and value sums. */
const QUOTA_AGGREGATIONS = ['sum', 'count'];

/**
 * Defining quotas: on a plan version (what every subscriber gets) and on a
 * subscription (a negotiated quota). Each PUT replaces the owner's whole set;
 * a change applies at once to the window in progress (usage so far stays).
 */
@Injectable()
export class QuotasService {
  constructor(
    private readonly db: DataSource,
    private readonly plans: PlanRepository,
    private readonly versions: PlanVersionRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly quotas: QuotasRepository,
    private readonly directory: CatalogDirectory,
    private readonly clock: Clock,
    private readonly listeners: CustomerListeners,
  ) {}

  async planQuotas(planKey: string, version: number): Promise<PlanVersionQuotas> {
    const versionId = await this.requireVersion(planKey, version);
    return {
      planKey,
      version,
      quotas: await this.views(await this.quotas.list('plan', versionId)),
    };
  }

  async setPlanQuotas(
    planKey: string,
    version: number,
    input: QuotaInput[],
  ): Promise<PlanVersionQuotas> {
    const versionId = await this.requireVersion(planKey, version);
    const quotas = await this.resolve(input);
    await inTransaction(this.db, (tx) => this.quotas.replace(tx, 'plan', versionId, quotas));
    // Any subscriber of the version, now or by a scheduled change.
    this.listeners.changed(null);
    return this.planQuotas(planKey, version);
  }

  async subscriptionQuotas(subscriptionId: string): Promise<SubscriptionQuotas> {
    await this.requireSubscription(subscriptionId);
    const subject = await this.subjects.findById(subscriptionId, this.clock.now());
    const inForce = subject ? await this.quotas.inForce([subject]) : [];
    return {
      subscriptionId,
      quotas: await this.views(await this.quotas.list('subscription', subscriptionId)),
      inForce: await Promise.all(
        inForce.map(async (quota) => ({
          ...(await this.view(quota)),
          source: quota.source,
        })),
      ),
    };
  }

  async setSubscriptionQuotas(
    subscriptionId: string,
    input: QuotaInput[],
  ): Promise<SubscriptionQuotas> {
    const { customerId } = await this.requireSubscription(subscriptionId);
    const quotas = await this.resolve(input);
    await inTransaction(this.db, (tx) =>
      this.quotas.replace(tx, 'subscription', subscriptionId, quotas, customerId),
    );
    this.listeners.changed([customerId]);
    return this.subscriptionQuotas(subscriptionId);
  }

  /** Meter keys to meters, every problem reported at its `quotas[i].meter`. */
  private async resolve(input: QuotaInput[]): Promise<StoredQuota[]> {
    const problems: Array<{ field: string; problem: string }> = [];
    const resolved: StoredQuota[] = [];
    for (const [index, quota] of input.entries()) {
      const meter = await this.directory.meterByKey(quota.meter);
      const problem = meterProblem(quota.meter, meter);
      if (problem) {
        problems.push({ field: `quotas[${index}].meter`, problem });
        continue;
      }
      resolved.push({
        meterId: (meter as MeterRecord).id,
        window: quota.window,
        alignment: quota.alignment,
        quantity: quota.quantity,
        kind: quota.kind,
        overage: quota.overage,
      });
    }
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return resolved;
  }

  private async views(quotas: StoredQuota[]): Promise<QuotaView[]> {
    return Promise.all(quotas.map((quota) => this.view(quota)));
  }

  private async view<T extends StoredQuota>(quota: T): Promise<T & { meterKey: string }> {
    const meter = await this.directory.meterById(quota.meterId);
    return { ...quota, meterKey: meter?.key ?? quota.meterId };
  }

  private async requireVersion(planKey: string, version: number): Promise<string> {
    const plan = await this.plans.findByKey(planKey);
    if (!plan) throw new NotFoundError('plan', planKey);
    const found = await this.versions.findOne(plan.id, version);
    if (!found) throw new NotFoundError('plan version', `${planKey}@${version}`);
    return found.id;
  }

  private async requireSubscription(id: string): Promise<SubscriptionRecord> {
    const found = isUuid(id) ? await this.subscriptions.findById(id) : null;
    if (!found) throw new NotFoundError('subscription', id);
    return found;
  }
}

function meterProblem(key: string, meter: MeterRecord | null): string | null {
  if (!meter) return `no meter with key '${key}'`;
  if (!QUOTA_AGGREGATIONS.includes(meter.aggregation)) {
    return `a quota counts a sum or count meter; '${key}' aggregates by ${meter.aggregation}`;
  }
  return null;
}

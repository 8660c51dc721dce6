import { Injectable } from '@nestjs/common';
import { DEFAULT_LICENCE_QUANTITY } from '../catalog/licence-quantities';
import { Interval } from '../common/period';
import { grantLotsForIntervals, NewGrantLot } from '../credits/grant-lots';
import { versionInEffect } from '../customers/plan-changes';
import { Queryable } from '../database/transaction';
import { BillableSubscription } from './billable-subscription';
import { BillingPlan } from './billing-plan';
import { BillingPlans } from './billing-plans.service';
import {
  billingPeriodProration,
  LicenceInterval,
  ScheduleInput,
  scheduleForPeriod,
  serviceIntervalProration,
} from '../common/billing-schedule';
import { BillingUsageRepository, UsageSelection } from '../metering/billing-usage.repository';
import { CreditLot } from '../credits/credit-lot';
import { PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { committedAmount, InvoiceCommitment } from './commitment-lines';
import { calculateInvoice, InvoiceDraft, LicenceCharge } from './invoice-calculator';
import { scheduleOf } from './subscription-schedule';
import { eventValuesNeeded, MeasuredUsage, usageCharge } from './usage-charges';

/** What one billing period of a subscription bills. */
export interface BillingContext {
  subscription: BillableSubscription;
  /** The version in effect at the period start: plan changes take effect at period boundaries. */
  plan: BillingPlan;
  schedule: ScheduleInput;
  period: Interval;
  /** Service intervals whose usage the invoice bills. */
  usageIntervals: Interval[];
  /** Service intervals whose licence fees the invoice bills in advance. */
  licenceIntervals: LicenceInterval[];
  /** End of the last usage interval: finalizing the invoice closes usage before it. */
  usageBilledUntil: Date | null;
}

/** Where the credit an invoice may use comes from: the ledger (billing runs) or a snapshot of it (previews). */
export interface CreditSource {
  /** The lots the invoice may draw on, given the plan grant lots of the intervals it bills. */
  lots(db: Queryable, context: BillingContext, grantLots: NewGrantLot[]): Promise<CreditLot[]>;
}

/**
 * Builds the invoice of one billing period: loads usage and credit, then lets
 * calculateInvoice price, round, credit and tax it. Billing runs persist the
 * result, previews (upcoming invoice, credit balance) only show it; both come
 * through here, so a preview shows what the run will bill.
 */
@Injectable()
export class InvoiceBuilder {
  constructor(
    private readonly plans: BillingPlans,
    private readonly usage: BillingUsageRepository,
    private readonly blocks: PrepaidBlockRepository,
  ) {}

  /**
   * What `period` bills. With `startedBefore` (a preview), service intervals that
   * have not started by then are left out: they have no usage and no grant yet.
   * `period` is one of the subscription's (subscription-schedule.ts), so it has one.
   */
  async context(
    subscription: BillableSubscription,
    period: Interval,
    startedBefore?: Date,
  ): Promise<BillingContext> {
    const plan = await this.plans.get(
      versionInEffect(subscription.planVersionId, subscription.planChanges, period.start),
      subscription.currency,
    );
    const schedule = scheduleOf(subscription, plan.serviceInterval);
    if (!schedule) throw new RangeError(`subscription ${subscription.id} has no billing period`);
    const { usageIntervals, licenceIntervals } = scheduleForPeriod(schedule, period);
    const billed = startedBefore
      ? usageIntervals.filter((interval) => interval.start < startedBefore)
      : usageIntervals;
    return {
      subscription,
      plan,
      schedule,
      period,
      usageIntervals: billed,
      licenceIntervals,
      usageBilledUntil: billed.length > 0 ? billed[billed.length - 1].end : null,
    };
  }

  async build(
    db: Queryable,
    context: BillingContext,
    credits: CreditSource,
  ): Promise<InvoiceDraft> {
    const { subscription, plan } = context;
    const usageCharges = (await this.measure(db, context)).map((measured) => ({
      ...usageCharge(measured),
      // prorates a rate's minimum spend on a cut interval
      prorationFactor: serviceIntervalProration(context.schedule, measured.interval),
    }));
    const licenceCharges: LicenceCharge[] = plan.licenceFees.flatMap(({ item, unitAmount }) =>
      context.licenceIntervals.map((interval) => ({
        billableItemId: item.id,
        description: item.name,
        interval,
        unitAmount,
        // a fee of a version the subscription moved to has no stored quantity: billed once, as at subscription
        quantity: subscription.licenceQuantities.get(item.id) ?? DEFAULT_LICENCE_QUANTITY,
      })),
    );
    const grantLots = grantLotsForIntervals({
      customerId: subscription.customerId,
      subscriptionId: subscription.id,
      currency: plan.currency,
      schedule: context.schedule,
      grants: plan.creditGrants,
      intervals: context.usageIntervals,
    });
    const commitment = commitmentOf(context);
    const { customerId } = subscription;
    const firstStart = context.usageIntervals[0]?.start ?? context.period.start;
    const [blockLots, purchases] = await Promise.all([
      this.blocks.available(db, customerId, plan.currency, firstStart),
      this.blocks.unbilled(db, customerId, subscription.id),
    ]);
    const itemNames = new Map(plan.rates.map(({ item }) => [item.id, item.name]));
    return calculateInvoice({
      currency: plan.currency,
      taxRate: subscription.taxRate,
      usageCharges,
      licenceCharges,
      creditLots: await credits.lots(db, context, [
        ...grantLots,
        ...prepaidCommitmentLots(context, commitment),
      ]),
      commitment,
      blockLots: blockLots.map((lot) => ({ ...lot, remaining: lot.units.minus(lot.drawn) })),
      blockPurchases: purchases.map((lot) => ({
        ...lot,
        lotId: lot.id,
        itemName: itemNames.get(lot.billableItemId) ?? lot.billableItemKey,
      })),
    });
  }

  /** Usage of every rated item in every billed interval: one rollup query, plus raw events where a rate needs them. */
  private async measure(db: Queryable, context: BillingContext): Promise<MeasuredUsage[]> {
    const rated = context.plan.rates.flatMap(({ item, rate }) =>
      context.usageIntervals.map((interval) => {
        const selection: UsageSelection = {
          customerId: context.subscription.customerId,
          meterId: item.meterId,
          interval,
          filter: item.filter,
        };
        return { item, rate, interval, selection };
      }),
    );
    const totals = await this.usage.totals(
      db,
      rated.map(({ selection }) => selection),
    );
    const measured: MeasuredUsage[] = [];
    for (const [index, { item, rate, interval, selection }] of rated.entries()) {
      const needed = eventValuesNeeded(rate, totals[index]);
      const eventValues =
        needed.kind === 'none'
          ? null
          : await this.usage.eventValues(
              db,
              selection,
              needed.kind === 'first' ? needed.count : null,
            );
      measured.push({ item, rate, interval, totals: totals[index], eventValues });
    }
    return measured;
  }
}

/**
 * The commitment windows an invoice bills (commitment-lines.ts): per service
 * interval, the intervals whose usage it bills (post-paid) or, like licence
 * fees, those starting in the period (prepaid, billed in advance); per billing
 * period, the period itself, once its usage is billed when post-paid.
 */
function commitmentOf(context: BillingContext): InvoiceCommitment | null {
  const { commitment } = context.plan;
  if (!commitment) return null;
  const { schedule, period } = context;
  if (commitment.interval === 'billing_period') {
    if (!commitment.prepaid && context.usageIntervals.length === 0) return null;
    const prorationFactor = billingPeriodProration(schedule, period);
    return { commitment, windows: [{ ...period, prorationFactor }] };
  }
  const windows = commitment.prepaid
    ? context.licenceIntervals
    : context.usageIntervals.map((interval) => ({
        ...interval,
        prorationFactor: serviceIntervalProration(schedule, interval),
      }));
  return { commitment, windows };
}

/** A prepaid commitment's credit: one lot per window billed, of the amount billed, for the plan's usage rates. */
function prepaidCommitmentLots(
  context: BillingContext,
  terms: InvoiceCommitment | null,
): NewGrantLot[] {
  if (!terms?.commitment.prepaid) return [];
  const { subscription, plan } = context;
  return terms.windows
    .map((window) => ({
      customerId: subscription.customerId,
      subscriptionId: subscription.id,
      planCreditGrantId: null,
      name: 'Prepaid commitment',
      currency: plan.currency,
      amount: committedAmount(terms.commitment, window, plan.currency),
      appliesTo: plan.rates.map(({ item }) => item.id),
      validFrom: window.start,
      expiresAt: window.end,
    }))
    .filter((lot) => lot.amount.gt(0));
}

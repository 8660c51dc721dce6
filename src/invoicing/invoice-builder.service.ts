import { Injectable } from '@nestjs/common';
import { Interval } from '../common/period';
import { grantLotsForIntervals, NewGrantLot } from '../credits/grant-lots';
import { versionInEffect } from '../customers/plan-changes';
import { licenceQuantityAt, PhasedInterval, phasedLicences, phasedUsage } from './plan-phases';
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
import { BlockLotBalance } from './block-drawdown';
import { BlockPurchase } from './block-purchase-lines';
import { committedAmount, InvoiceCommitment } from './commitment-lines';
import { calculateInvoice, InvoiceDraft, LicenceCharge } from './invoice-calculator';
import { scheduleOf } from './subscription-schedule';
import { eventValuesNeeded, MeasuredUsage, usageCharge } from './usage-charges';

/** A part of the period (plan-phases.ts) and the version that prices it. */
export interface PricedPart<T extends Interval = Interval> {
  interval: T;
  plan: BillingPlan;
}

/** What one billing period of a subscription bills. */
export interface BillingContext {
  subscription: BillableSubscription;
  /**
   * The version in effect at the period start: its currency, commitment and
   * credit grants hold for the whole period. Rates and licence fees follow
   * changes now (usageParts, licenceParts).
   */
  plan: BillingPlan;
  schedule: ScheduleInput;
  period: Interval;
  /** Service intervals whose usage the invoice bills. */
  usageIntervals: Interval[];
  /** Service intervals whose licence fees the invoice bills in advance. */
  licenceIntervals: LicenceInterval[];
  /** End of the last usage interval: finalizing the invoice closes usage before it. */
  usageBilledUntil: Date | null;
  /** The usage intervals split at changes now, each priced on its own version. */
  usageParts: PricedPart[];
  /** The licence fee parts billed in advance, each on its own version. */
  licenceParts: PricedPart<LicenceInterval>[];
}

/**
 * The prepaid blocks of one invoice: the customer's lots with the units the
 * invoices priced before it left (block-purses.ts), and the blocks bought on
 * the subscription and not billed yet.
 */
export interface InvoiceBlocks {
  lots: readonly BlockLotBalance[];
  purchases: readonly BlockPurchase[];
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
    const planOf = (versionId: string) => this.plans.get(versionId, subscription.currency);
    const plan = await planOf(
      versionInEffect(subscription.planVersionId, subscription.planChanges, period.start),
    );
    // A change now keeps the service interval (subscription-changes.service.ts): one schedule serves the period.
    const schedule = scheduleOf(subscription, plan.serviceInterval);
    if (!schedule) throw new RangeError(`subscription ${subscription.id} has no billing period`);
    const { usageIntervals, licenceIntervals } = scheduleForPeriod(schedule, period);
    const billed = startedBefore
      ? usageIntervals.filter((interval) => interval.start < startedBefore)
      : usageIntervals;
    const priced = async <T extends PhasedInterval>({ planVersionId, ...interval }: T) => ({
      interval: { ...interval, planVersionId },
      plan: await planOf(planVersionId),
    });
    return {
      subscription,
      plan,
      schedule,
      period,
      usageIntervals: billed,
      licenceIntervals,
      usageBilledUntil: billed.length > 0 ? billed[billed.length - 1].end : null,
      usageParts: await Promise.all(phasedUsage(subscription, period, billed).map(priced)),
      licenceParts: await Promise.all(phasedLicences(subscription, schedule, period).map(priced)),
    };
  }

  async build(
    db: Queryable,
    context: BillingContext,
    credits: CreditSource,
    blocks: InvoiceBlocks,
  ): Promise<InvoiceDraft> {
    const [measured] = await this.measure(db, [context]);
    const creditLots = await credits.lots(db, context, lotsToIssue(context));
    return this.price(context, measured, creditLots, blocks);
  }

  /**
   * Prices, credits and taxes one invoice from its measured usage, the credit
   * lots and the prepaid blocks it may draw on. Pure.
   */
  price(
    context: BillingContext,
    measured: readonly MeasuredUsage[],
    creditLots: CreditLot[],
    blocks: InvoiceBlocks,
  ): InvoiceDraft {
    const { subscription, plan } = context;
    const usageCharges = measured.map((usage) => ({
      ...usageCharge(usage),
      // prorates a rate's minimum spend on a cut interval
      prorationFactor: serviceIntervalProration(context.schedule, usage.interval),
    }));
    const licenceCharges: LicenceCharge[] = context.licenceParts.flatMap(({ interval, plan }) =>
      plan.licenceFees.map(({ item, unitAmount }) => ({
        billableItemId: item.id,
        description: item.name,
        interval,
        unitAmount,
        quantity: licenceQuantityAt(subscription, item.id, interval.start),
      })),
    );
    return calculateInvoice({
      currency: plan.currency,
      taxRate: subscription.taxRate,
      usageCharges,
      licenceCharges,
      creditLots,
      commitment: commitmentOf(context),
      blockLots: blocks.lots,
      blockPurchases: blocks.purchases,
    });
  }

  /**
   * Usage of every rated item in every billed interval of each context, in the
   * contexts' order: one rollup query for all of them (a whole chunk of
   * invoices), plus raw events where a rate needs them. An interval cut by a
   * plan change is measured per part, each on its own plan's rates.
   */
  async measure(db: Queryable, contexts: readonly BillingContext[]): Promise<MeasuredUsage[][]> {
    const rated = contexts.map((context) =>
      context.usageParts.flatMap(({ interval: { start, end }, plan }) =>
        plan.rates.map(({ item, rate }) => {
          const interval = { start, end };
          const selection: UsageSelection = {
            customerId: context.subscription.customerId,
            meterId: item.meterId,
            interval,
            filter: item.filter,
          };
          return { item, rate, interval, selection };
        }),
      ),
    );
    const totals = await this.usage.totals(
      db,
      rated.flat().map(({ selection }) => selection),
    );
    let next = 0;
    const measured: MeasuredUsage[][] = [];
    for (const ofContext of rated) {
      const usages: MeasuredUsage[] = [];
      for (const { item, rate, interval, selection } of ofContext) {
        const total = totals[next++];
        const needed = eventValuesNeeded(rate, total);
        const eventValues =
          needed.kind === 'none'
            ? null
            : await this.usage.eventValues(
                db,
                selection,
                needed.kind === 'first' ? needed.count : null,
              );
        usages.push({ item, rate, interval, totals: total, eventValues });
      }
      measured.push(usages);
    }
    return measured;
  }
}

/** The plan credit an invoice's intervals come with: grant lots, and a prepaid commitment's lots. */
export function lotsToIssue(context: BillingContext): NewGrantLot[] {
  const { subscription, plan } = context;
  const grantLots = grantLotsForIntervals({
    customerId: subscription.customerId,
    subscriptionId: subscription.id,
    currency: plan.currency,
    schedule: context.schedule,
    grants: plan.creditGrants,
    intervals: context.usageIntervals,
  });
  return [...grantLots, ...prepaidCommitmentLots(context, commitmentOf(context))];
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

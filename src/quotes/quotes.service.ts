import { Injectable } from '@nestjs/common';
import { BillableItemRepository } from '../catalog/billable-item.repository';
import { licenceQuantitiesOf, licenceQuantityProblems } from '../catalog/licence-quantities';
import { PlanRecord } from '../catalog/plan.repository';
import { PlanVersionRecord } from '../catalog/plan-version.repository';
import { PlanVersionLookup } from '../catalog/plan-version-lookup.service';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { addCalendar } from '../common/period';
import { InvoiceDraft } from '../invoicing/invoice-calculator';
import { PricedItems, priceItems } from '../rating/quote';
import { PlanQuoteRequest } from './dto/plan-quote.schema';
import { QuoteRequest } from './dto/quote-request.schema';
import { quotePlanInterval } from './plan-interval-quote';
import { resolveUsageProfile } from './usage-profile';

export interface PlanQuote {
  plan: PlanRecord;
  version: PlanVersionRecord;
  draft: InvoiceDraft;
}

export type Quote = { form: 'explicit'; priced: PricedItems } | ({ form: 'plan' } & PlanQuote);

/** The price calculator: reads the catalog, writes nothing. */
@Injectable()
export class QuotesService {
  constructor(
    private readonly lookup: PlanVersionLookup,
    private readonly items: BillableItemRepository,
    private readonly clock: Clock,
  ) {}

  async quote(request: QuoteRequest): Promise<Quote> {
    if (request.form === 'explicit') {
      return { form: 'explicit', priced: priceItems(request.currency, request.items) };
    }
    return { form: 'plan', ...(await this.quotePlan(request)) };
  }

  private async quotePlan(request: PlanQuoteRequest): Promise<PlanQuote> {
    const { plan, version } = await this.lookup.find(request.plan, request.version);
    const items = await this.items.findByKeys([
      ...version.rates.map((entry) => entry.billableItem.key),
      ...version.licenceFees.map((fee) => fee.billableItem.key),
    ]);
    const profile = resolveUsageProfile(
      version.rates.map(({ billableItem, rate }) => ({
        billableItemKey: billableItem.key,
        meterKey: items.get(billableItem.key)?.meterKey ?? null,
        rate,
      })),
      request.usage,
    );
    const problems = [
      ...profile.problems,
      ...licenceQuantityProblems(request.licenceQuantities, plan.key, version),
    ];
    if (problems.length > 0) throw new ValidationFailedError(problems);

    // A notional interval from now: the dates are not shown, and one interval has no proration.
    const start = this.clock.now();
    const draft = quotePlanInterval({
      currency: plan.currency,
      interval: { start, end: addCalendar(start, version.serviceInterval, 1) },
      rated: profile.rated,
      licences: licenceQuantitiesOf(version, request.licenceQuantities).map(
        ({ fee, quantity }) => ({
          billableItemKey: fee.billableItem.key,
          unitAmount: fee.unitAmount,
          quantity,
        }),
      ),
      creditGrants: version.creditGrants,
      commitment: version.commitment,
      itemNames: new Map([...items.values()].map((item) => [item.key, item.name])),
    });
    return { plan, version, draft };
  }
}

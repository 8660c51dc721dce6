import { Injectable } from '@nestjs/common';
import { AlertFactsService, CandidateOnPlan } from '../alerts/alert-facts.service';
import { intervalsPerYear, RecommendedAction, recommendPlan } from '../alerts/recommendation';
import { Clock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { NotFoundError } from '../common/errors';
import { Cadence, Interval } from '../common/period';
import { CustomerRecord, CustomerRepository } from '../customers/customer.repository';
import { denseDays } from '../forecasting/dense-days';
import { DailyUsageRepository } from '../metering/daily-usage.repository';
import { QuantityBand } from '../forecasting/forecast';
import { ForecastSubjectsRepository } from '../forecasting/forecast-subjects.repository';
import { ForecastsService, SubscriptionForecast } from '../forecasting/forecasts.service';
import { ProjectedBill } from '../forecasting/projected-bill';
import { ThresholdCrossing } from '../forecasting/time-to-threshold';
import { addDays, daysBetween, startOfUtcDay } from '../forecasting/utc-days';
import { CreditBalanceService } from '../invoicing/credit-balance.service';
import { InvoiceView } from '../invoicing/invoice-view';
import { InvoicesService } from '../invoicing/invoices.service';
import { UsageLinksService } from '../usage-links/usage-links.service';

/**
 * The projection as the calculator shows it, a figure a person could type:
 * two decimals, rounded up so the priced usage is never below the forecast.
 */
function figureToType(projected: Decimal): Decimal {
  return projected.toDecimalPlaces(2, Decimal.ROUND_UP);
}

/** How many of the latest invoices the page lists. */
const LAST_INVOICES = 6;

export interface DailyQuantity {
  day: Date;
  quantity: Decimal;
}

export interface MeterPanel {
  key: string;
  name: string;
  unit: string | null;
  cumulative: boolean;
  quantity: Decimal;
  limit: Decimal | null;
  projected: QuantityBand;
  /** When usage reaches the limit; null without a limit (or for a gauge). */
  limitCrossing: ThresholdCrossing | null;
  /** Each UTC day of the interval so far, today included. */
  daily: DailyQuantity[];
}

export interface CalculatorPlan {
  planKey: string;
  version: number;
  serviceInterval: Cadence;
  /** One service interval at the calculator's usage, as POST /v1/quotes prices it. */
  total: Decimal;
  current: boolean;
  recommended: boolean;
}

/** The current plan and every live plan of the currency that holds the usage, priced for it. */
export interface Calculator {
  usage: Array<{ meterKey: string; name: string; unit: string | null; quantity: Decimal }>;
  plans: CalculatorPlan[];
  action: RecommendedAction;
}

export interface SubscriptionPanel {
  subscriptionId: string;
  planKey: string;
  version: number;
  currency: string;
  interval: Interval;
  meters: MeterPanel[];
  projectedBill: ProjectedBill;
  billSoFar: Decimal;
  calculator: Calculator;
}

export interface UsagePageView {
  customer: CustomerRecord;
  asOf: Date;
  subscriptions: SubscriptionPanel[];
  credit: { currency: string; balance: Decimal } | null;
  invoices: InvoiceView[];
}

/** Calculator figures the customer typed: a subscription and quantities by meter key. */
export interface CalculatorEdits {
  subscriptionId: string;
  usage: ReadonlyMap<string, Decimal>;
}

/**
 * Everything the usage page shows, for the customer its token belongs to and
 * no one else: every read below is keyed by that customer.
 */
@Injectable()
export class UsagePageService {
  constructor(
    private readonly links: UsageLinksService,
    private readonly customers: CustomerRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly forecasts: ForecastsService,
    private readonly daily: DailyUsageRepository,
    private readonly facts: AlertFactsService,
    private readonly credits: CreditBalanceService,
    private readonly invoices: InvoicesService,
    private readonly clock: Clock,
  ) {}

  /** The token's customer; any other input is the same not-found, with nothing of it echoed. */
  async customerOf(token: string): Promise<CustomerRecord> {
    const customerId = await this.links.customerOf(token);
    const customer = customerId === null ? null : await this.customers.findById(customerId);
    if (!customer) throw new NotFoundError('usage page', '…');
    return customer;
  }

  async page(token: string, edits: CalculatorEdits | null = null): Promise<UsagePageView> {
    const customer = await this.customerOf(token);
    const now = this.clock.now();
    const forecasts = await this.currentForecasts(customer.id, now);
    const subscriptions: SubscriptionPanel[] = [];
    for (const forecast of forecasts) {
      const usage = edits?.subscriptionId === forecast.subject.subscriptionId ? edits.usage : null;
      subscriptions.push(await this.panel(forecast, usage));
    }
    const [credit, invoices] = await Promise.all([
      this.creditBalance(customer),
      this.invoices.list({
        customerExternalId: customer.externalId,
        status: 'finalized',
        limit: LAST_INVOICES,
      }),
    ]);
    return { customer, asOf: now, subscriptions, credit, invoices: invoices.invoices };
  }

  /** The calculator alone, for the page's script as the customer edits figures. */
  async calculator(
    token: string,
    edits: CalculatorEdits,
  ): Promise<{ customer: CustomerRecord; currency: string; calculator: Calculator }> {
    const customer = await this.customerOf(token);
    const forecast = await this.forecastOf(customer.id, edits.subscriptionId);
    return {
      customer,
      currency: forecast.currency,
      calculator: await this.calculate(forecast, edits.usage),
    };
  }

  /** One of the customer's current subscriptions, forecast; not found when it is not theirs. */
  async forecastOf(customerId: string, subscriptionId: string): Promise<SubscriptionForecast> {
    const forecasts = await this.currentForecasts(customerId, this.clock.now());
    const forecast = forecasts.find((f) => f.subject.subscriptionId === subscriptionId);
    if (!forecast) throw new NotFoundError('current subscription', subscriptionId);
    return forecast;
  }

  /** The plans priced for `usage` (by meter key; projected where absent) by the rule alerts use. */
  async calculate(
    forecast: SubscriptionForecast,
    usage: ReadonlyMap<string, Decimal> | null,
  ): Promise<Calculator> {
    const quantities = new Map(
      forecast.meters.map((meter) => [
        meter.meterKey,
        usage?.get(meter.meterKey) ?? figureToType(meter.projected.expected),
      ]),
    );
    const priced = await this.facts.candidates(forecast, quantities);
    const plans: CalculatorPlan[] = [];
    let action: RecommendedAction = 'stay';
    if (priced !== null) {
      const recommendation = recommendPlan(
        priced.current,
        priced.candidates,
        intervalsPerYear(priced.current.serviceInterval),
      );
      action = recommendation.action;
      const isCurrent = (candidate: CandidateOnPlan) => candidate === priced.current;
      const isRecommended = (candidate: CandidateOnPlan) =>
        recommendation.action === 'upgrade' &&
        candidate.planKey === recommendation.recommended?.planKey &&
        candidate.version === recommendation.recommended.version;
      for (const candidate of priced.candidates) {
        if (!isCurrent(candidate) && !candidate.fits) continue;
        plans.push({
          planKey: candidate.planKey,
          version: candidate.version,
          serviceInterval: candidate.serviceInterval,
          total: candidate.cost,
          current: isCurrent(candidate),
          recommended: isRecommended(candidate),
        });
      }
      plans.sort((a, b) => a.total.comparedTo(b.total) || a.planKey.localeCompare(b.planKey));
    }
    return {
      usage: forecast.meters.map((meter) => ({
        meterKey: meter.meterKey,
        name: meter.meterName,
        unit: meter.unit,
        quantity: quantities.get(meter.meterKey)!,
      })),
      plans,
      action,
    };
  }

  private async currentForecasts(customerId: string, now: Date): Promise<SubscriptionForecast[]> {
    const forecasts: SubscriptionForecast[] = [];
    for (const subject of await this.subjects.active([customerId], now)) {
      const forecast = await this.forecasts.forecast(subject, now);
      if (forecast) forecasts.push(forecast);
    }
    return forecasts;
  }

  private async panel(
    forecast: SubscriptionForecast,
    usage: ReadonlyMap<string, Decimal> | null,
  ): Promise<SubscriptionPanel> {
    const { subject, interval, now } = forecast;
    const firstDay = startOfUtcDay(interval.start);
    const today = startOfUtcDay(now);
    const totals = await this.daily.dailyTotals(
      subject.customerId,
      interval.start,
      addDays(today, 1),
    );
    const meters = forecast.meters.map((meter): MeterPanel => {
      const days = denseDays(
        totals.get(meter.meterId) ?? [],
        firstDay,
        daysBetween(firstDay, today) + 1,
      );
      return {
        key: meter.meterKey,
        name: meter.meterName,
        unit: meter.unit,
        cumulative: meter.kind === 'cumulative',
        quantity: meter.quantity,
        limit: meter.limit,
        projected: meter.projected,
        limitCrossing: meter.crossings.find((c) => c.percent.eq(100))?.crossing ?? null,
        daily: days.map((quantity, index) => ({ day: addDays(firstDay, index), quantity })),
      };
    });
    return {
      subscriptionId: subject.subscriptionId,
      planKey: subject.planKey,
      version: subject.version,
      currency: forecast.currency,
      interval,
      meters,
      projectedBill: forecast.projectedBill,
      billSoFar: forecast.billSoFar,
      calculator: await this.calculate(forecast, usage),
    };
  }

  /** The balance in the currency of the customer's plan; none for a customer without one. */
  async creditBalance(customer: CustomerRecord): Promise<UsagePageView['credit']> {
    const subjects = await this.subjects.active([customer.id], this.clock.now());
    const currency = subjects[0]?.currency ?? customer.currency;
    if (!currency) return null;
    const balance = await this.credits.balance(customer.externalId, currency);
    return { currency, balance: balance.balance };
  }

  /** A finalized or void invoice of this customer; drafts and other customers' invoices are not found. */
  async invoice(
    token: string,
    invoiceId: string,
  ): Promise<{ customer: CustomerRecord; invoice: InvoiceView }> {
    const customer = await this.customerOf(token);
    const invoice = await this.invoices.get(invoiceId);
    if (invoice.customerExternalId !== customer.externalId || invoice.status === 'draft') {
      throw new NotFoundError('invoice', invoiceId);
    }
    return { customer, invoice };
  }
}

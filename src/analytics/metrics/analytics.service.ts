import { Injectable } from '@nestjs/common';
import { ExchangeRates } from '../ledger/exchange-rates.service';
import { Month, addMonths } from '../month';
import { AnalyticsRepository } from './analytics.repository';
import { Decimal } from '../../common/decimal';
import { DealOutcomeMonth } from '../../deal-outcomes/deal-outcomes.repository';
import { DealOutcomesService } from '../../deal-outcomes/deal-outcomes.service';
import { CrmDealsOfMonth, ExpansionMonth, expansionMonths } from './expansion-metrics';
import {
  Cohort,
  MonthMovements,
  RetentionSums,
  Smoothing,
  cohortTable,
  percentage,
} from './revenue-metrics';
import { UpsellSignalsRepository } from './upsell-signals.repository';

/** MRR movements, trailing-12 retention, cohorts and expansion over the revenue ledger, in the reporting currency. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly upsellSignals: UpsellSignalsRepository,
    private readonly rates: ExchangeRates,
    private readonly dealOutcomes: DealOutcomesService,
  ) {}

  get currency(): string {
    return this.rates.reportingCurrency;
  }

  /** Movements of each month; trailing3 compares trailing 3-month average MRR, for spiky usage revenue. */
  movements(from: Month, to: Month, smoothing: Smoothing = 'none'): Promise<MonthMovements[]> {
    return this.repository.movements(from, to, smoothing);
  }

  retention(month: Month): Promise<RetentionSums> {
    return this.repository.retention(addMonths(month, -12), month);
  }

  async cohorts(from: Month, to: Month): Promise<Cohort[]> {
    return cohortTable(await this.repository.cohortCells(from, to), to);
  }

  /** Expansion of each month, from its movements, with its upsell signals' conversion. */
  async expansion(from: Month, to: Month): Promise<ExpansionMonth[]> {
    const [movements, signals, deals] = await Promise.all([
      this.movements(from, to),
      this.upsellSignals.signals(from, to),
      this.dealOutcomes.byMonth(from, to),
    ]);
    return expansionMonths(
      movements,
      signals,
      new Map(deals.map((d) => [d.month as Month, this.dealsOfMonth(d)])),
    );
  }

  /** Won ARR in the reporting currency (a CRM with one currency holds it in the reporting one). */
  private dealsOfMonth(month: DealOutcomeMonth): CrmDealsOfMonth {
    let wonArr = new Decimal(0);
    let wonUnconverted = 0;
    for (const { currency, amount } of month.wonAmounts) {
      const converted = this.rates.convert(new Decimal(amount), currency ?? this.currency);
      if (converted) wonArr = wonArr.plus(converted);
      else wonUnconverted += 1;
    }
    return {
      opened: month.deals,
      won: month.won,
      lost: month.lost,
      open: month.open,
      wonConversion: percentage(new Decimal(month.won), new Decimal(month.deals)),
      wonArr,
      wonUnconverted,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { ExchangeRates } from '../ledger/exchange-rates.service';
import { Month, addMonths } from '../month';
import { AnalyticsRepository } from './analytics.repository';
import { ExpansionMonth, expansionMonths } from './expansion-metrics';
import { Cohort, MonthMovements, RetentionSums, Smoothing, cohortTable } from './revenue-metrics';
import { UpsellSignalsRepository } from './upsell-signals.repository';

/** MRR movements, trailing-12 retention, cohorts and expansion over the revenue ledger, in the reporting currency. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly upsellSignals: UpsellSignalsRepository,
    private readonly rates: ExchangeRates,
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
    const [movements, signals] = await Promise.all([
      this.movements(from, to),
      this.upsellSignals.signals(from, to),
    ]);
    return expansionMonths(movements, signals);
  }
}

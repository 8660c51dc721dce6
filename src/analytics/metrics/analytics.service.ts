import { Injectable } from '@nestjs/common';
import { minorUnits } from '../../common/money';
import { ExchangeRates } from '../ledger/exchange-rates';
import { Month, addMonths } from '../month';
import { AnalyticsRepository } from './analytics.repository';
import { Cohort, MonthMovements, RetentionSums, cohortTable } from './revenue-metrics';

/** MRR movements, trailing-12 retention and cohorts over the revenue ledger, in the reporting currency. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rates: ExchangeRates,
  ) {}

  get currency(): string {
    return this.rates.reportingCurrency;
  }

  movements(from: Month, to: Month): Promise<MonthMovements[]> {
    return this.repository.movements(minorUnits(this.currency), from, to);
  }

  retention(month: Month): Promise<RetentionSums> {
    return this.repository.retention(minorUnits(this.currency), addMonths(month, -12), month);
  }

  async cohorts(from: Month, to: Month): Promise<Cohort[]> {
    return cohortTable(await this.repository.cohortCells(minorUnits(this.currency), from, to), to);
  }
}

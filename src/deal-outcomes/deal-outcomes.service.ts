import { Injectable } from '@nestjs/common';
import { DealOutcomeMonth, DealOutcomesRepository, DealStage } from './deal-outcomes.repository';

/**
 * What sales did with our deals, for the modules that report on it
 * (analytics, the dashboard): read from the outcomes the CRM read-back stored.
 */
@Injectable()
export class DealOutcomesService {
  constructor(private readonly outcomes: DealOutcomesRepository) {}

  /** Deals by the month they were opened (YYYY-MM, inclusive), with what became of them. */
  byMonth(from: string, to: string): Promise<DealOutcomeMonth[]> {
    return this.outcomes.byMonth(from, to);
  }

  /** Each deal's CRM stage, latest change first. */
  stages(customerIds: readonly string[]): Promise<DealStage[]> {
    return this.outcomes.stages(customerIds);
  }
}

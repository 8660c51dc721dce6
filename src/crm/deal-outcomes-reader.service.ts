import { Inject, Injectable, Logger } from '@nestjs/common';
import { CrmProvider } from './crm-provider';
import { CRM_PROVIDER } from './crm-provider.token';
import { DealOutcomesRepository } from '../deal-outcomes/deal-outcomes.repository';

const PAGE = 200;

/**
 * Reads back from the CRM the deals we opened (changed since the last read)
 * and stores their stage, won/lost and amount, a page at a time, moving the
 * stored cursor with each page: a run stopped by a restart or a rate limit
 * resumes where it stopped. Every call goes through the adapter's limiter.
 */
@Injectable()
export class DealOutcomesReader {
  private readonly logger = new Logger('DealOutcomesReader');

  constructor(
    @Inject(CRM_PROVIDER) private readonly provider: CrmProvider | null,
    private readonly outcomes: DealOutcomesRepository,
  ) {}

  /** Reads until the CRM has nothing newer (or `maxPages` pages); answers how many deals were read. */
  async readBack(maxPages = 500): Promise<number> {
    const provider = this.provider;
    if (!provider) return 0;
    let cursor = await this.outcomes.cursor(provider.name);
    let read = 0;
    for (let page = 0; page < maxPages; page++) {
      const outcomes = await provider.readDealOutcomes(cursor, PAGE);
      if (outcomes.length === 0) break;
      const last = outcomes[outcomes.length - 1];
      cursor = { modifiedSince: last.modifiedAt, lastId: last.crmId };
      await this.outcomes.store(provider.name, outcomes, cursor);
      read += outcomes.length;
      if (outcomes.length < PAGE) break;
    }
    if (read > 0) this.logger.log(`read ${read} deal outcomes from ${provider.name}`);
    return read;
  }
}

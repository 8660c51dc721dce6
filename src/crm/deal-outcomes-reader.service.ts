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

  /**
   * Reads until the CRM has nothing newer (or `maxPages` pages); answers how
   * many deal outcomes were new or changed. Each page starts at the last
   * instant read, inclusive: the CRMs' modification times are coarse (whole
   * seconds on Salesforce), so a record changed later in that instant is
   * still read; the records read again there change nothing in the store.
   * Only a page whose records all share that instant pages on by id, so a
   * read always moves forward.
   */
  async readBack(maxPages = 500): Promise<number> {
    const provider = this.provider;
    if (!provider) return 0;
    let cursor = await this.outcomes.cursor(provider.name);
    if (cursor) cursor = { modifiedSince: cursor.modifiedSince, lastId: '' };
    let changed = 0;
    for (let page = 0; page < maxPages; page++) {
      const outcomes = await provider.readDealOutcomes(cursor, PAGE);
      if (outcomes.length === 0) break;
      const last = outcomes[outcomes.length - 1];
      const oneInstant = outcomes[0].modifiedAt.getTime() === last.modifiedAt.getTime();
      const full = outcomes.length >= PAGE;
      cursor = { modifiedSince: last.modifiedAt, lastId: full && oneInstant ? last.crmId : '' };
      changed += await this.outcomes.store(provider.name, outcomes, cursor);
      if (!full) break;
    }
    if (changed > 0) this.logger.log(`read ${changed} changed deal outcomes from ${provider.name}`);
    return changed;
  }
}

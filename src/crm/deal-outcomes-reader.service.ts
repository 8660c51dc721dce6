import { Inject, Injectable, Logger } from '@nestjs/common';
import { CrmProvider } from './crm-provider';
import { CRM_PROVIDER } from './crm-provider.token';
import { DealOutcome, OutcomeCursor } from '../deal-outcomes/deal-outcome';
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
   * many deal outcomes were new or changed. The CRMs answer in (modified, id)
   * order after the cursor, which moves to the last record of each page. A
   * run starts at the stored instant again, inclusive: the CRMs' modification
   * times are coarse (whole seconds on Salesforce), so a record changed later
   * in that instant may sort before the id stored; within a run the ids read
   * at the cursor's instant travel with it, for the same reason. Records read
   * again change nothing in the store.
   */
  async readBack(maxPages = 500): Promise<number> {
    const provider = this.provider;
    if (!provider) return 0;
    const stored = await this.outcomes.cursor(provider.name);
    let cursor: OutcomeCursor | null = stored && {
      modifiedSince: stored.modifiedSince,
      lastId: '',
    };
    let changed = 0;
    for (let page = 0; page < maxPages; page++) {
      const outcomes = await provider.readDealOutcomes(cursor, PAGE);
      if (outcomes.length === 0) break;
      cursor = advance(cursor, outcomes);
      changed += await this.outcomes.store(provider.name, outcomes, cursor);
    }
    if (changed > 0) this.logger.log(`read ${changed} changed deal outcomes from ${provider.name}`);
    return changed;
  }
}

/** The cursor after a page: its last record, with every id read at that record's instant. */
function advance(cursor: OutcomeCursor | null, page: readonly DealOutcome[]): OutcomeCursor {
  const last = page[page.length - 1];
  const instant = last.modifiedAt.getTime();
  const read = page.filter((o) => o.modifiedAt.getTime() === instant).map((o) => o.crmId);
  const earlier = cursor?.modifiedSince.getTime() === instant ? (cursor.readAtInstant ?? []) : [];
  return {
    modifiedSince: last.modifiedAt,
    lastId: last.crmId,
    readAtInstant: [...earlier, ...read],
  };
}

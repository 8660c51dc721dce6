import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { CustomerRepository } from '../customers/customer.repository';
import { CatalogDirectory } from './catalog-directory.service';
import { QuotaHitsQuery } from './dto/quota-hits.schema';
import { QuotaHit, QuotaHitsRepository } from './quota-hits.repository';

const WEEK_MS = 7 * 24 * 3_600_000;

export interface QuotaHitView extends QuotaHit {
  customerExternalId: string;
  meterKey: string;
}

/** The quotas customers reached, for people: the dashboard and the API. */
@Injectable()
export class QuotaHitsViewService {
  constructor(
    private readonly hits: QuotaHitsRepository,
    private readonly customers: CustomerRepository,
    private readonly directory: CatalogDirectory,
    private readonly clock: Clock,
  ) {}

  async list(query: QuotaHitsQuery): Promise<QuotaHitView[]> {
    let customerId: string | null = null;
    if (query.customerExternalId !== undefined) {
      const customer = await this.customers.findByExternalId(query.customerExternalId);
      if (!customer) throw new NotFoundError('customer', query.customerExternalId);
      customerId = customer.id;
    }
    const now = this.clock.now();
    const since = query.since ?? new Date(now.getTime() - WEEK_MS);
    const hits = await this.hits.reachedBetween(
      { start: since, end: new Date(now.getTime() + 1) },
      customerId,
      query.limit,
    );
    const customers = await this.customers.findByIds([
      ...new Set(hits.map((hit) => hit.customerId)),
    ]);
    return Promise.all(
      hits.map(async (hit) => ({
        ...hit,
        customerExternalId: customers.get(hit.customerId)?.externalId ?? hit.customerId,
        meterKey: (await this.directory.meterById(hit.meterId))?.key ?? hit.meterId,
      })),
    );
  }
}

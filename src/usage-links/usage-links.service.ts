import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { UsagePageLink, UsagePageLinksRepository } from './usage-page-links.repository';

/** The public path of the usage page; the token that follows is its only credential. */
export const USAGE_PAGE_PATH = 'usage';

export interface UsagePageUrl {
  url: string;
  createdAt: Date;
}

/**
 * Links to customers' usage pages: e-mails put them in their call to action,
 * the admin API hands them out and rotates them, the page resolves them.
 */
@Injectable()
export class UsageLinksService {
  constructor(
    private readonly links: UsagePageLinksRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async urlFor(customerId: string): Promise<UsagePageUrl> {
    return this.toUrl(await this.links.findOrCreate(customerId, this.clock.now()));
  }

  async rotate(customerId: string): Promise<UsagePageUrl> {
    return this.toUrl(await this.links.rotate(customerId, this.clock.now()));
  }

  /** The customer whose page a token opens; null for any other input, whatever it is. */
  customerOf(token: string): Promise<string | null> {
    return this.links.customerOf(token);
  }

  private toUrl(link: UsagePageLink): UsagePageUrl {
    return {
      url: `${this.config.publicUrl}/${USAGE_PAGE_PATH}/${link.token}`,
      createdAt: link.createdAt,
    };
  }
}

import { Module } from '@nestjs/common';
import { UsageLinksService } from './usage-links.service';
import { UsagePageLinksRepository } from './usage-page-links.repository';

/**
 * The secret links to customers' usage pages. Apart from the page itself
 * (src/usage-page) so that e-mails can link to it without depending on
 * everything the page reads.
 */
@Module({
  providers: [UsageLinksService, UsagePageLinksRepository],
  exports: [UsageLinksService],
})
export class UsageLinksModule {}

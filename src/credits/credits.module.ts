import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CustomersModule } from '../customers/customers.module';
import { CreditGrantsService } from './credit-grants.service';
import { CreditLedgerRepository } from './credit-ledger.repository';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { GrantSubscriptionsRepository } from './grant-subscriptions.repository';
import { PrepaidBlockRepository } from './prepaid-block.repository';
import { PrepaidBlocksController } from './prepaid-blocks.controller';
import { PrepaidBlocksService } from './prepaid-blocks.service';

/** The credit ledger: plan grants issued per service interval, top-ups, and what invoices consume. */
@Module({
  imports: [CatalogModule, CustomersModule],
  controllers: [CreditsController, PrepaidBlocksController],
  providers: [
    CreditLedgerRepository,
    GrantSubscriptionsRepository,
    CreditsService,
    CreditGrantsService,
    PrepaidBlockRepository,
    PrepaidBlocksService,
  ],
  exports: [CreditLedgerRepository, CreditGrantsService, PrepaidBlockRepository],
})
export class CreditsModule {}

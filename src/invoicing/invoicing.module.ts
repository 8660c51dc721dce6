import { Module } from '@nestjs/common';
import { RevenueLedgerModule } from '../analytics/ledger/revenue-ledger.module';
import { CatalogModule } from '../catalog/catalog.module';
import { CreditsModule } from '../credits/credits.module';
import { CrmModule } from '../crm/crm.module';
import { MeteringModule } from '../metering/metering.module';
import { CustomersModule } from '../customers/customers.module';
import { AccountCreditBalances } from './account-credit-balances.service';
import { AlertInvoiceTotalsRepository } from './alert-invoice-totals.repository';
import { BillingPlans } from './billing-plans.service';
import { BillingRunService } from './billing-run.service';
import { BillingRunsController } from './billing-runs.controller';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { CreditBalanceService } from './credit-balance.service';
import { CreditNoteRepository } from './credit-note.repository';
import { CreditNotesController } from './credit-notes.controller';
import { CreditNotesService } from './credit-notes.service';
import { SubscriptionEndingsController } from './subscription-endings.controller';
import { SubscriptionEndingsService } from './subscription-endings.service';
import { InvoiceBuilder } from './invoice-builder.service';
import { InvoiceChunkService } from './invoice-chunk.service';
import { InvoiceRepository } from './invoice.repository';
import { InvoicesController } from './invoices.controller';
import { PlanChangesController } from './plan-changes.controller';
import { SubscriptionChangesService } from './subscription-changes.service';
import { InvoicesService } from './invoices.service';
import { PreviewsController } from './previews.controller';
import { UpcomingInvoiceService } from './upcoming-invoice.service';

/** Billing runs, invoices, the upcoming-invoice preview and the real-time credit balance. */
@Module({
  imports: [
    CatalogModule,
    CustomersModule,
    CreditsModule,
    CrmModule,
    MeteringModule,
    RevenueLedgerModule,
  ],
  controllers: [
    BillingRunsController,
    CreditNotesController,
    InvoicesController,
    PlanChangesController,
    PreviewsController,
    SubscriptionEndingsController,
  ],
  providers: [
    AccountCreditBalances,
    BillingPlans,
    BillingRunService,
    BillingSubscriptionsRepository,
    CreditBalanceService,
    CreditNoteRepository,
    CreditNotesService,
    InvoiceBuilder,
    InvoiceChunkService,
    InvoiceRepository,
    InvoicesService,
    SubscriptionChangesService,
    SubscriptionEndingsService,
    UpcomingInvoiceService,
    AlertInvoiceTotalsRepository,
  ],
  exports: [
    AccountCreditBalances,
    BillingRunService,
    CreditBalanceService,
    InvoicesService,
    SubscriptionChangesService,
    UpcomingInvoiceService,
    AlertInvoiceTotalsRepository,
  ],
})
export class InvoicingModule {}

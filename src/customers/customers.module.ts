import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CrmAccountIdsRepository } from './crm-account-ids.repository';
import { CustomerIdsRepository } from './customer-ids.repository';
import { CustomerRepository } from './customer.repository';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { EmailPreferencesRepository } from './email-preferences.repository';
import { PlanChangeRepository } from './plan-change.repository';
import { PlanChangesService } from './plan-changes.service';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/** Customers with their CRM identities, their subscriptions pinned to plan versions, and plan changes. */
@Module({
  imports: [CatalogModule],
  controllers: [CustomersController, SubscriptionsController],
  providers: [
    CustomerRepository,
    CustomersService,
    SubscriptionRepository,
    SubscriptionsService,
    PlanChangeRepository,
    PlanChangesService,
    EmailPreferencesRepository,
    CrmAccountIdsRepository,
    CustomerIdsRepository,
  ],
  exports: [
    CustomerRepository,
    SubscriptionRepository,
    PlanChangeRepository,
    PlanChangesService,
    EmailPreferencesRepository,
    CrmAccountIdsRepository,
    CustomerIdsRepository,
  ],
})
export class CustomersModule {}

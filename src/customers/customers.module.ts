import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CustomerRepository } from './customer.repository';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/** Customers with their CRM identities, and their subscriptions pinned to plan versions. */
@Module({
  imports: [CatalogModule],
  controllers: [CustomersController, SubscriptionsController],
  providers: [CustomerRepository, CustomersService, SubscriptionRepository, SubscriptionsService],
  exports: [CustomerRepository, SubscriptionRepository],
})
export class CustomersModule {}

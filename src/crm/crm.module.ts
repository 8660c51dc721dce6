import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { OutboxModule } from '../outbox/outbox.module';
import { CrmDelivery } from './crm-delivery';
import { CrmOutbox } from './crm-outbox';
import { CrmOutboxController } from './crm-outbox.controller';
import { createCrmProvider } from './crm-provider.factory';
import { CRM_PROVIDER } from './crm-provider.token';
import { CrmSetupService } from './crm-setup.service';
import { CrmSyncRepository } from './crm-sync.repository';
import { CrmSyncService } from './crm-sync.service';

/**
 * CRM sync: producers enqueue through CrmOutbox; the outbox worker delivers
 * the `crm` channel through CrmDelivery to the configured provider.
 */
@Module({
  imports: [OutboxModule],
  controllers: [CrmOutboxController],
  providers: [
    { provide: CRM_PROVIDER, inject: [AppConfig], useFactory: createCrmProvider },
    CrmDelivery,
    CrmOutbox,
    CrmSetupService,
    CrmSyncRepository,
    CrmSyncService,
  ],
  exports: [CrmOutbox, CrmSetupService],
})
export class CrmModule {}

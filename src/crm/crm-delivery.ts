import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BatchOutcome, DeliveryOutcome, OutboxHandler } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers';
import { OutboxMessage } from '../outbox/outbox-message';
import { CrmSyncService } from './crm-sync.service';

/** HubSpot takes 100 records a batch call; one claim fills one call per kind of record. */
const CRM_BATCH_SIZE = 100;

/** The outbox handler of the `crm` channel; registered only when a provider is configured. */
@Injectable()
export class CrmDelivery implements OutboxHandler, OnModuleInit {
  readonly channel = 'crm';
  readonly batchSize = CRM_BATCH_SIZE;

  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly sync: CrmSyncService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.crm.provider !== 'none') this.handlers.register(this);
  }

  deliverBatch(messages: readonly OutboxMessage[]): Promise<Map<string, BatchOutcome>> {
    return this.sync.sync(messages);
  }

  async deliver(message: OutboxMessage): Promise<DeliveryOutcome> {
    const outcome = (await this.sync.sync([message])).get(message.id);
    if (!outcome || outcome.status === 'failed') throw outcome?.error;
    return outcome;
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BatchOutcome, DeliveryOutcome, OutboxHandler } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers.service';
import { OutboxMessage } from '../outbox/outbox-message';
import { CohortDelivery } from './cohort-delivery.service';
import { isCohortSnapshotPayload } from './cohort-snapshots';
import { CrmSyncService } from './crm-sync.service';

/** Records a batch call takes (HubSpot batch API, Salesforce sObject Collections); one claim fills one call per kind of record. */
const CRM_BATCH_SIZE = { none: 100, hubspot: 100, salesforce: 200 } as const;

/** The outbox handler of the `crm` channel; registered only when a provider is configured. */
@Injectable()
export class CrmDelivery implements OutboxHandler, OnModuleInit {
  readonly channel = 'crm';
  readonly batchSize: number;

  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly sync: CrmSyncService,
    private readonly cohorts: CohortDelivery,
    private readonly config: AppConfig,
  ) {
    this.batchSize = CRM_BATCH_SIZE[config.crm.provider];
  }

  onModuleInit(): void {
    if (this.config.crm.provider !== 'none') this.handlers.register(this);
  }

  /** Cohort snapshots concern no customer: they go their own way, the rest to CrmSyncService. */
  async deliverBatch(messages: readonly OutboxMessage[]): Promise<Map<string, BatchOutcome>> {
    const snapshots = messages.filter((m) => isCohortSnapshotPayload(m.payload));
    const others = messages.filter((m) => !isCohortSnapshotPayload(m.payload));
    const outcomes = await this.cohorts.deliver(snapshots);
    if (others.length === 0) return outcomes;
    for (const [id, outcome] of await this.sync.sync(others)) outcomes.set(id, outcome);
    return outcomes;
  }

  async deliver(message: OutboxMessage): Promise<DeliveryOutcome> {
    const outcome = (await this.deliverBatch([message])).get(message.id);
    if (!outcome || outcome.status === 'failed') throw outcome?.error;
    return outcome;
  }
}

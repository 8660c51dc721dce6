import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { BatchOutcome, PermanentDeliveryError } from '../outbox/outbox-handler';
import { OutboxMessage } from '../outbox/outbox-message';
import { cohortSnapshotPayloadSchema } from './cohort-snapshots';
import { recordError, toDeliveryError } from './crm-delivery-errors';
import { CohortSnapshot, CrmProvider } from './crm-provider';
import { CRM_PROVIDER } from './crm-provider.token';

/** Delivers the `cohort_snapshot` messages of a claimed `crm` batch in one upsert call. */
@Injectable()
export class CohortDelivery {
  constructor(@Inject(CRM_PROVIDER) private readonly provider: CrmProvider | null) {}

  async deliver(messages: readonly OutboxMessage[]): Promise<Map<string, BatchOutcome>> {
    const outcomes = new Map<string, BatchOutcome>();
    const byKey = new Map<string, { snapshot: CohortSnapshot; ids: string[] }>();
    for (const message of messages) {
      const parsed = cohortSnapshotPayloadSchema.safeParse(message.payload);
      if (!parsed.success) {
        const reason = `not a cohort snapshot: ${z.prettifyError(parsed.error)}`;
        outcomes.set(message.id, { status: 'failed', error: new PermanentDeliveryError(reason) });
        continue;
      }
      const { snapshot } = parsed.data;
      const entry = byKey.get(snapshot.key) ?? { snapshot, ids: [] };
      entry.ids.push(message.id);
      byKey.set(snapshot.key, entry);
    }
    const sendable = [...byKey.values()];
    if (sendable.length === 0) return outcomes;
    try {
      if (!this.provider) throw new PermanentDeliveryError('CRM_PROVIDER is none');
      const failures = await this.provider.upsertCohortSnapshots(sendable.map((e) => e.snapshot));
      for (const failure of failures)
        for (const id of byKey.get(failure.key)?.ids ?? [])
          outcomes.set(id, { status: 'failed', error: recordError(failure) });
    } catch (error) {
      for (const id of sendable.flatMap((e) => e.ids))
        outcomes.set(id, { status: 'failed', error: toDeliveryError(error) });
    }
    for (const id of sendable.flatMap((e) => e.ids))
      if (!outcomes.has(id)) outcomes.set(id, { status: 'sent' });
    return outcomes;
  }
}

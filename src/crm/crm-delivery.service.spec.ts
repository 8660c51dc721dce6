import { AppConfig } from '../config/app-config';
import { BatchOutcome, PermanentDeliveryError } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers.service';
import { OutboxMessage } from '../outbox/outbox-message';
import { CohortDelivery } from './cohort-delivery.service';
import { CohortSnapshot, CrmProvider, RecordFailure } from './crm-provider';
import { CrmDelivery } from './crm-delivery.service';
import { CrmSyncService } from './crm-sync.service';

/**
 * How a claimed `crm` batch is split: cohort snapshots to one upsert call
 * (one record per key, however many messages carry it), the rest to the CRM
 * sync; and when the handler registers at all. The sync's own decisions are
 * in crm-sync.service.spec.ts, the outbox's in outbox-worker.service.spec.ts.
 */
const at = new Date('2026-03-02T00:00:00Z');

function message(id: string, payload: OutboxMessage['payload']): OutboxMessage {
  return {
    id,
    channel: 'crm',
    dedupeKey: id,
    payload,
    status: 'pending',
    attempts: 1,
    nextAttemptAt: at,
    lastError: null,
    createdAt: at,
    sentAt: null,
  };
}

function snapshot(cohortMonth: string): OutboxMessage['payload'] {
  return {
    kind: 'cohort_snapshot',
    snapshot: {
      key: `${cohortMonth}@2026-02`,
      cohortMonth,
      asOfMonth: '2026-02',
      customers: 2,
      startingMrr: '100.00',
      currentMrr: '110.00',
      nrr: '110',
      grr: '60.00',
      logosRetained: 1,
      currency: 'USD',
    },
  };
}

const hubspot = AppConfig.fromEnvironment({ CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 't' });

function deliveryWith(failures: RecordFailure[] = [], config = hubspot) {
  const upserted: CohortSnapshot[][] = [];
  const synced: string[][] = [];
  const provider = {
    upsertCohortSnapshots: async (snapshots: readonly CohortSnapshot[]) => {
      upserted.push([...snapshots]);
      return failures;
    },
  };
  const sync = {
    sync: async (messages: readonly OutboxMessage[]) => {
      synced.push(messages.map((m) => m.id));
      return new Map<string, BatchOutcome>(messages.map((m) => [m.id, { status: 'sent' }]));
    },
  };
  const handlers = new OutboxHandlers();
  const delivery = new CrmDelivery(
    handlers,
    sync as unknown as CrmSyncService,
    new CohortDelivery(provider as unknown as CrmProvider),
    config,
  );
  return { delivery, handlers, upserted, synced };
}

describe('CrmDelivery', () => {
  it('sends snapshots in one upsert, one record per key, and the rest to the sync', async () => {
    const { delivery, upserted, synced } = deliveryWith();
    const outcomes = await delivery.deliverBatch([
      message('s1', snapshot('2026-01')),
      message('p1', { kind: 'invoice', customerId: 'c1', invoiceId: 'i1' }),
      message('s2', snapshot('2026-01')),
      message('s3', snapshot('2025-12')),
    ]);
    expect(upserted.map((call) => call.map((s) => s.key))).toEqual([
      ['2026-01@2026-02', '2025-12@2026-02'],
    ]);
    expect(synced).toEqual([['p1']]);
    expect([...outcomes.entries()].map(([id, o]) => `${id} ${o.status}`).sort()).toEqual([
      'p1 sent',
      's1 sent',
      's2 sent',
      's3 sent',
    ]);
  });

  it('fails every message of a snapshot the CRM refused, and dead-letters a malformed one', async () => {
    const { delivery, synced } = deliveryWith([
      { key: '2026-01@2026-02', message: 'no custom object', retriable: false },
    ]);
    const outcomes = await delivery.deliverBatch([
      message('s1', snapshot('2026-01')),
      message('s2', snapshot('2026-01')),
      message('s3', snapshot('2025-12')),
      message('bad', { kind: 'cohort_snapshot', snapshot: { key: '' } }),
    ]);
    const failed = [...outcomes].filter(([, o]) => o.status === 'failed').map(([id]) => id);
    expect(failed.sort()).toEqual(['bad', 's1', 's2']);
    const bad = outcomes.get('bad');
    expect(bad?.status === 'failed' && bad.error).toBeInstanceOf(PermanentDeliveryError);
    expect(outcomes.get('s3')).toEqual({ status: 'sent' });
    expect(synced).toEqual([]);
  });

  it('registers on the outbox only when a CRM provider is configured', () => {
    const on = deliveryWith();
    on.delivery.onModuleInit();
    expect(on.handlers.channels()).toEqual(['crm']);

    const off = deliveryWith([], AppConfig.fromEnvironment({}));
    off.delivery.onModuleInit();
    expect(off.handlers.channels()).toEqual([]);
  });
});

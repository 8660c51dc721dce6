import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { PayloadTooLargeError } from '../common/errors';
import { parseInput } from '../common/validation';
import { CustomerIdsRepository } from '../customers/customer-ids.repository';
import { inTransaction, Queryable } from '../database/transaction';
import { triageBatch } from './batch-triage';
import {
  EventRejection,
  IngestResult,
  ingestEventsSchema,
  MAX_EVENTS_PER_REQUEST,
} from './dto/ingest-events.dto';
import { resolveEvent } from './event-validation';
import { EventRetentionService } from './event-retention.service';
import { IndexedEvent, IngestParticipants } from './ingest-participants.service';
import { UsageEventsRepository } from './usage-events.repository';
import { UsageMoved } from './usage-moved.service';

/**
 * Ingestion of a batch of usage events: each event is accepted, a duplicate,
 * or rejected on its own; the accepted ones, their ids and the rollups they
 * change are stored in one transaction.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly db: DataSource,
    private readonly events: UsageEventsRepository,
    private readonly retention: EventRetentionService,
    private readonly clock: Clock,
    private readonly usageMoved: UsageMoved,
    private readonly participants: IngestParticipants,
    private readonly customerIds: CustomerIdsRepository,
  ) {}

  async ingest(body: unknown): Promise<IngestResult> {
    const { events: rawEvents, enforce } = parseInput(ingestEventsSchema, body);
    if (rawEvents.length > MAX_EVENTS_PER_REQUEST) {
      throw new PayloadTooLargeError(
        `a request may carry at most ${MAX_EVENTS_PER_REQUEST} events, this one has ${rawEvents.length}`,
      );
    }
    const receivedAt = this.clock.now();
    const {
      candidates,
      rejected: malformed,
      duplicatesInBatch,
    } = triageBatch(rawEvents, { now: receivedAt, horizon: this.retention.horizon(receivedAt) });

    const { result, moved } = await inTransaction(this.db, async (tx) => {
      // Customers are read by id, so on Citus the batch reaches their nodes only.
      const customerIds = await this.customerIds.idsOf(
        tx,
        distinct(candidates.map(({ event }) => event.customerExternalId)),
      );
      const references = await this.events.loadReferences(
        tx,
        [...customerIds.values()],
        distinct(candidates.map(({ event }) => event.meter)),
      );
      let valid: IndexedEvent[] = [];
      const rejected: EventRejection[] = [...malformed];
      for (const { index, event } of candidates) {
        const checked = resolveEvent(event, index, references);
        if (checked.ok) valid.push({ index, event: checked.event });
        else rejected.push(checked.rejection);
      }
      if (enforce) {
        const refused = await this.refuseOverQuota(tx, valid, receivedAt);
        const indexes = new Set(refused.map((rejection) => rejection.index));
        valid = valid.filter(({ index }) => !indexes.has(index));
        rejected.push(...refused);
      }
      // A retried event that is already stored is a duplicate even if it would now be
      // refused (say its period has closed since): the client must not see it as lost.
      const stored = await this.events.findStoredIds(
        tx,
        rejected.flatMap((rejection) => (rejection.id === null ? [] : [rejection.id])),
      );
      const stillRejected = rejected.filter(
        (rejection) => rejection.id === null || !stored.has(rejection.id),
      );
      const usage = await this.events.insertNew(
        tx,
        valid.map(({ event }) => event),
        receivedAt,
      );
      await this.participants.stored(tx, usage);
      const accepted = usage.reduce((total, hour) => total + hour.eventCount, 0);
      return {
        result: {
          accepted,
          duplicates:
            duplicatesInBatch +
            (rejected.length - stillRejected.length) +
            (valid.length - accepted),
          rejected: stillRejected.sort((a, b) => a.index - b.index),
        },
        moved: distinct(usage.map((hour) => hour.customerId)),
      };
    });
    // After the commit, so listeners read the new rollups; they return at once.
    this.usageMoved.publish(moved);
    return result;
  }

  /**
   * Quotas judge new usage only: events already stored are duplicates and must
   * neither be refused nor counted against the room left for the others.
   */
  private async refuseOverQuota(
    tx: Queryable,
    valid: IndexedEvent[],
    now: Date,
  ): Promise<EventRejection[]> {
    const stored = await this.events.findStoredIds(
      tx,
      valid.map(({ event }) => event.id),
    );
    return this.participants.refuse(
      tx,
      valid.filter(({ event }) => !stored.has(event.id)),
      now,
    );
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { PayloadTooLargeError } from '../common/errors';
import { parseInput } from '../common/validation';
import { inTransaction } from '../database/transaction';
import { triageBatch } from './batch-triage';
import {
  EventRejection,
  IngestResult,
  ingestEventsSchema,
  MAX_EVENTS_PER_REQUEST,
} from './dto/ingest-events.dto';
import { resolveEvent, ValidEvent } from './event-validation';
import { EventRetentionService } from './event-retention.service';
import { UsageEventsRepository } from './usage-events.repository';
import { UsageMoved } from './usage-moved';

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
  ) {}

  async ingest(body: unknown): Promise<IngestResult> {
    const { events: rawEvents } = parseInput(ingestEventsSchema, body);
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
      const references = await this.events.loadReferences(
        tx,
        distinct(candidates.map(({ event }) => event.customerExternalId)),
        distinct(candidates.map(({ event }) => event.meter)),
      );
      const valid: ValidEvent[] = [];
      const rejected: EventRejection[] = [...malformed];
      for (const { index, event } of candidates) {
        const checked = resolveEvent(event, index, references);
        if (checked.ok) valid.push(checked.event);
        else rejected.push(checked.rejection);
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
      const accepted = await this.events.insertNew(tx, valid, receivedAt);
      return {
        result: {
          accepted,
          duplicates:
            duplicatesInBatch +
            (rejected.length - stillRejected.length) +
            (valid.length - accepted),
          rejected: stillRejected.sort((a, b) => a.index - b.index),
        },
        moved: accepted > 0 ? distinct(valid.map((event) => event.customerId)) : [],
      };
    });
    // After the commit, so listeners read the new rollups; they return at once.
    this.usageMoved.publish(moved);
    return result;
  }
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

import { Injectable } from '@nestjs/common';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { EventRejection } from './dto/ingest-events.dto';
import { ValidEvent } from './event-validation';

/** One hour of a customer's meter that a batch stored: new events only, duplicates left out. */
export interface StoredUsage {
  customerId: string;
  meterId: string;
  hourStart: Date;
  eventCount: number;
  valueSum: Decimal;
}

/** A valid event of the batch and its position in the request. */
export interface IndexedEvent {
  index: number;
  event: ValidEvent;
}

/**
 * A module that takes part in the ingest transaction (entitlements: quota
 * counters and enforcement). Metering calls it without importing it: the
 * participant registers itself at start-up, as UsageMoved's listeners do.
 */
export interface IngestParticipant {
  /**
   * Only when the client asked to `enforce`: the events to refuse, each with
   * its rejection. `events` are new (not stored before), in request order.
   */
  refuse(tx: Queryable, events: readonly IndexedEvent[], now: Date): Promise<EventRejection[]>;
  /** After the batch is stored, in the same transaction. */
  stored(tx: Queryable, usage: readonly StoredUsage[]): Promise<void>;
}

@Injectable()
export class IngestParticipants {
  private readonly participants: IngestParticipant[] = [];

  register(participant: IngestParticipant): void {
    this.participants.push(participant);
  }

  async refuse(
    tx: Queryable,
    events: readonly IndexedEvent[],
    now: Date,
  ): Promise<EventRejection[]> {
    const rejections: EventRejection[] = [];
    let remaining = events;
    for (const participant of this.participants) {
      const refused = await participant.refuse(tx, remaining, now);
      const indexes = new Set(refused.map((rejection) => rejection.index));
      remaining = remaining.filter(({ index }) => !indexes.has(index));
      rejections.push(...refused);
    }
    return rejections;
  }

  async stored(tx: Queryable, usage: readonly StoredUsage[]): Promise<void> {
    if (usage.length === 0) return;
    for (const participant of this.participants) await participant.stored(tx, usage);
  }
}

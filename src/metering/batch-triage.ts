import { EventRejection, UsageEventInput } from './dto/ingest-events.dto';
import { AcceptedTimes, eventIdOf, parseEvent } from './event-validation';

export interface IndexedEvent {
  index: number;
  event: UsageEventInput;
}

export interface TriagedBatch {
  /** Well-formed events, each id once, still to be checked against customers and meters. */
  candidates: IndexedEvent[];
  rejected: EventRejection[];
  /** Events repeating the id of an earlier event of the batch. */
  duplicatesInBatch: number;
}

/**
 * The first pass over a batch, before any database work. The first event with
 * a given id decides for that id; a later one is a duplicate whatever it
 * carries, exactly as if it had come in a later request.
 */
export function triageBatch(rawEvents: readonly unknown[], times: AcceptedTimes): TriagedBatch {
  const seen = new Set<string>();
  const triaged: TriagedBatch = { candidates: [], rejected: [], duplicatesInBatch: 0 };
  rawEvents.forEach((raw, index) => {
    const id = eventIdOf(raw);
    if (id !== null) {
      if (seen.has(id)) {
        triaged.duplicatesInBatch += 1;
        return;
      }
      seen.add(id);
    }
    const checked = parseEvent(raw, index, times);
    if (checked.ok) triaged.candidates.push({ index, event: checked.event });
    else triaged.rejected.push(checked.rejection);
  });
  return triaged;
}

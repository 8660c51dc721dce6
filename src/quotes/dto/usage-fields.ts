import { z } from 'zod';
import { decimalField } from '../../common/validation';

/** The engine's limit per request, as for a batch of ingested events. */
const MAX_EVENTS = 10_000;

/** A quantity of usage; JSON numbers are accepted, as for every quantity. */
export const usageQuantityField = decimalField({ allowNumber: true, nonNegative: true });

/** The value of each event (a transaction amount) that a percentage rate prices. */
export const eventValuesField = z
  .array(usageQuantityField, { error: 'must be a list of event values such as ["120.00"]' })
  .max(MAX_EVENTS, { error: `must have at most ${MAX_EVENTS} events` });

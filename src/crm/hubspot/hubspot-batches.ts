import { RecordFailure } from '../crm-provider';
import { HubSpotInvalidInputError } from './hubspot-errors';

/** HubSpot's batch endpoints take at most 100 inputs. */
export const HUBSPOT_BATCH_LIMIT = 100;

export function chunks<T>(items: readonly T[], size = HUBSPOT_BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The per-record errors of a 207 answer: `context.ids` names the inputs each error is about. */
export interface BatchErrors {
  errors?: Array<{ category?: string; message?: string; context?: Record<string, string[]> }>;
}

/** Keys are the input ids: the company id of an update, our key of an upsert. */
export function recordFailures(response: object): RecordFailure[] {
  const errors = 'errors' in response ? (response as BatchErrors).errors : undefined;
  return (errors ?? []).flatMap((error) =>
    (error.context?.ids ?? []).map((id) => ({
      key: id,
      message: `${error.category ?? 'ERROR'}: ${error.message ?? 'failed'}`,
      // A missing object may be re-created by a later match; validation errors will not fix themselves.
      retriable: error.category !== 'VALIDATION_ERROR',
    })),
  );
}

/**
 * HubSpot refuses a whole batch with 400 when one input is invalid (an
 * inactive owner, an option the portal does not have) without saying which
 * input: send the batch again in halves until each bad input stands alone, so
 * only it fails, with HubSpot's reason, and the others go through.
 */
export async function bisectOnInvalid<T>(
  items: readonly T[],
  key: (item: T) => string,
  send: (batch: T[]) => Promise<RecordFailure[]>,
): Promise<RecordFailure[]> {
  try {
    return await send([...items]);
  } catch (error) {
    if (!(error instanceof HubSpotInvalidInputError)) throw error;
    if (items.length === 1)
      return [{ key: key(items[0]), message: error.message, retriable: false }];
    const middle = Math.ceil(items.length / 2);
    return [
      ...(await bisectOnInvalid(items.slice(0, middle), key, send)),
      ...(await bisectOnInvalid(items.slice(middle), key, send)),
    ];
  }
}

/** Each batch of at most 100, bisected on a 400. */
export async function sendInBatches<T>(
  items: readonly T[],
  key: (item: T) => string,
  send: (batch: T[]) => Promise<RecordFailure[]>,
): Promise<RecordFailure[]> {
  const failures: RecordFailure[] = [];
  for (const batch of chunks(items)) failures.push(...(await bisectOnInvalid(batch, key, send)));
  return failures;
}

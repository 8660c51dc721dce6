import { RecordFailure } from '../crm-provider';

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

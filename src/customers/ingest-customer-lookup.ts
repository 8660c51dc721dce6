/**
 * The customers a batch of usage events names, for ingestion to compose into
 * its reference lookup (customers owns these tables; metering reads them only
 * through this fragment). `customerIds` is the placeholder of a uuid[]
 * parameter: the ids CustomerIdsRepository found for the batch's external ids,
 * so on Citus the statement goes to those customers' nodes only. Each row:
 * id, external_id, and subscriptions: the usage bounds of every subscription
 * (start and end truncated to the hour, as rollups are kept, and
 * usage_closed_before, before which usage is invoiced).
 *
 * Read FOR SHARE, in id order: closing a period (under the customer's row
 * lock, InvoiceRepository.lockCustomer) waits for the batches in flight, and
 * every later batch sees the new bound.
 */
export function customersWithUsageBounds(customerIds: string): string {
  return `SELECT c.id, c.external_id,
            COALESCE((SELECT json_agg(json_build_object(
                        'start', date_trunc('hour', s.start_date, 'UTC'),
                        'end', date_trunc('hour', s.end_date, 'UTC'),
                        'closed_before', s.usage_closed_before))
                      FROM subscriptions s WHERE s.customer_id = c.id), '[]') AS subscriptions
     FROM customers c
     WHERE c.id = ANY(${customerIds}::uuid[]) ORDER BY c.id FOR SHARE OF c`;
}

import { OutboxRecord } from '../outbox/outbox-message';
import { CrmPayload } from './crm-payload';

/**
 * The CRM record a message overwrites as a whole, and the moment its figures
 * describe, so that the outbox skips it once a newer message for the record
 * exists: retries reorder deliveries, and an 80 % alert's figures retried
 * after the 100 % alert's must not replace them. A deal belongs to a customer
 * and reason; an alert's account figures are one record per set of fields
 * (an alert that lacks a figure leaves it alone, so it cannot supersede one
 * that carries it). Tasks and invoices are records of their own: never.
 */
export function overwrittenRecord(payload: CrmPayload): OutboxRecord | undefined {
  switch (payload.kind) {
    case 'account_properties': {
      const at = payload.properties.lastAlertAt;
      if (!at) return undefined;
      const fields = Object.keys(payload.properties).sort().join(',');
      return { key: `account:${payload.customerId}:${fields}`, at: new Date(at) };
    }
    case 'expansion_opportunity':
      return {
        key: `deal:${payload.customerId}:${payload.reason}`,
        at: new Date(payload.signal.firedAt),
      };
    case 'request_opportunity':
      return {
        key: `deal:${payload.customerId}:customer_request:${payload.request.kind}`,
        at: new Date(payload.request.requestedAt),
      };
    case 'upsell_task':
    case 'request_task':
    case 'invoice':
      return undefined;
  }
}

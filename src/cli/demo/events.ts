/** The usage events of one customer's month, spread over the month and cut at `until`. */
import { DemoCustomer, seededRandom } from './company';

export interface DemoEvent {
  id: string;
  customerExternalId: string;
  meter: string;
  timestamp: string;
  value: string;
  dimensions?: Record<string, string>;
}

const MODELS = ['gpt-4o', 'claude-sonnet', 'llama-70b'];
/** Days of the month usage is reported on (UTC noon): six reports for a monthly quantity. */
const REPORT_DAYS = [3, 8, 13, 18, 23, 28];

export function monthEvents(
  customer: DemoCustomer,
  monthStart: Date,
  usage: number,
  until: Date,
  tag: string,
): DemoEvent[] {
  const random = seededRandom(hash(`${customer.externalId}:${tag}`));
  const at = (day: number, hour = 12) =>
    new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth(), day, hour));
  const base = { customerExternalId: customer.externalId };
  const events: DemoEvent[] = [];
  const id = () => `demo_${customer.externalId}_${tag}_${events.length}`;
  switch (customer.plan) {
    case 'tokens-starter':
    case 'tokens-scale':
    case 'api-metered': {
      const meter = customer.plan === 'api-metered' ? 'api_calls' : 'llm_tokens';
      for (const day of REPORT_DAYS) {
        const value = String(Math.round(usage / REPORT_DAYS.length));
        const dimensions =
          meter === 'llm_tokens' ? { model: MODELS[Math.floor(random() * 3)] } : undefined;
        events.push({
          ...base,
          id: id(),
          meter,
          timestamp: at(day).toISOString(),
          value,
          dimensions,
        });
      }
      if (meter === 'api_calls') {
        const gigabytes = String(Math.round(20 + random() * 180));
        events.push({
          ...base,
          id: id(),
          meter: 'storage_gb',
          timestamp: at(2).toISOString(),
          value: gigabytes,
        });
      }
      break;
    }
    case 'support-outcomes':
      // One event per resolved ticket, its value the revenue it brought the customer.
      for (let ticket = 0; ticket < Math.round(usage); ticket += 1) {
        const value = (100 + random() * 600).toFixed(2);
        const day = 1 + Math.floor(random() * 28);
        const hour = Math.floor(random() * 24);
        events.push({
          ...base,
          id: id(),
          meter: 'resolved_tickets',
          timestamp: at(day, hour).toISOString(),
          value,
        });
      }
      break;
  }
  return events.filter((event) => new Date(event.timestamp) < until);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

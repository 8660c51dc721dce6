/**
 * A customer worth a usage page: on a starter plan (limit 1 000 a month, 0.01
 * a unit, 49.00 licence) with 60 units a day from March 1 to 14, on pace to
 * overrun the limit; February billed (one finalized invoice); and a Scale plan
 * of the same currency (limit 100 000, 199.00 licence) that holds the usage.
 */
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { CustomerResponse } from '../../src/customers/dto/customer.response';
import { recordUsage, runBilling } from '../support/billing';
import {
  CustomerBody,
  createCustomer,
  createPlanWithVersion,
  createScalePlan,
  createSubscription,
  PricedPlan,
} from '../support/factories';
import { TestApp } from '../support/test-app';

export const NOW = '2026-03-15T12:00:00Z';

export interface UsagePageCatalog {
  starter: PricedPlan;
  scale: string;
}

export async function createUsagePageCatalog(t: TestApp): Promise<UsagePageCatalog> {
  const starter = await createPlanWithVersion(t);
  const scale = await createScalePlan(t, starter);
  return { starter, scale };
}

export interface UsagePageCustomer {
  customer: CustomerResponse;
  subscriptionId: string;
  /** The page's URL, as the admin API gives it. */
  url: string;
  /** The path of `url`, for supertest. */
  path: string;
}

/** Creates the customer, their usage and February's invoice (the app's clock at NOW). */
export async function createUsagePageCustomer(
  t: TestApp,
  catalog: UsagePageCatalog,
  overrides: Partial<CustomerBody> = {},
): Promise<UsagePageCustomer> {
  const customer = await createCustomer(t, overrides);
  const subscription = await createSubscription(t, {
    customerExternalId: customer.externalId,
    plan: catalog.starter.plan.key,
    startDate: '2026-02-01T00:00:00Z',
  });
  const meter = catalog.starter.meter.key;
  const day = (month: string, n: number) => `2026-${month}-${String(n).padStart(2, '0')}T09:00:00Z`;
  // February: 10 units a day for 20 days, billed at the run below.
  await recordUsage(
    t,
    Array.from({ length: 20 }, (_, i) => ({
      customerExternalId: customer.externalId,
      meter,
      timestamp: day('02', i + 1),
      value: '10',
    })),
  );
  await runBilling(t, '2026-03-02T00:00:00Z');
  await recordUsage(
    t,
    Array.from({ length: 14 }, (_, i) => ({
      customerExternalId: customer.externalId,
      meter,
      timestamp: day('03', i + 1),
      value: '60',
    })),
  );
  await t.app.get(AlertsEvaluator).flush();
  const link = await t.admin.get(`/v1/customers/${customer.externalId}/usage-page`);
  if (link.status !== 200) throw new Error(`usage-page link: ${JSON.stringify(link.body)}`);
  const url = link.body.url as string;
  return { customer, subscriptionId: subscription.id, url, path: new URL(url).pathname };
}

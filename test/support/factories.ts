/**
 * Valid request bodies with overrides, and one-line set-ups through the real API,
 * so every e2e test creates its own data:
 *
 *   const { customer, priced, subscription } = await createSubscribedCustomer(t);
 *   await t.admin.post('/v1/events', { events: [{ meter: priced.meter.key, ... }] });
 */
import request from 'supertest';
import { z } from 'zod';
import { Scope } from '../../src/auth/scopes';
import { BillableItemResponse } from '../../src/catalog/dto/billable-item.response';
import { createBillableItemSchema } from '../../src/catalog/dto/billable-item.schema';
import { MeterResponse } from '../../src/catalog/dto/meter.response';
import { createMeterSchema } from '../../src/catalog/dto/meter.schema';
import { PlanResponse, PlanVersionResponse } from '../../src/catalog/dto/plan.response';
import { createPlanSchema } from '../../src/catalog/dto/plan.schema';
import { createPlanVersionSchema } from '../../src/catalog/dto/plan-version.schema';
import { CustomerResponse } from '../../src/customers/dto/customer.response';
import { createCustomerSchema } from '../../src/customers/dto/customer.schema';
import { SubscriptionResponse } from '../../src/customers/dto/subscription.response';
import { createSubscriptionSchema } from '../../src/customers/dto/subscription.schema';
import { TestApp } from './test-app';

export type MeterBody = z.input<typeof createMeterSchema>;
export type BillableItemBody = z.input<typeof createBillableItemSchema>;
export type PlanBody = z.input<typeof createPlanSchema>;
export type PlanVersionBody = z.input<typeof createPlanVersionSchema>;
export type CustomerBody = z.input<typeof createCustomerSchema>;
export type SubscriptionBody = z.input<typeof createSubscriptionSchema>;

let sequence = 0;

/** A key no earlier call in this test file returned: `uniqueKey('meter')` → `meter_7`. */
export function uniqueKey(prefix: string): string {
  sequence += 1;
  return `${prefix}_${sequence}`;
}

// ---- request bodies -------------------------------------------------------

export function meterBody(overrides: Partial<MeterBody> = {}): MeterBody {
  const key = overrides.key ?? uniqueKey('meter');
  return {
    key,
    name: `Meter ${key}`,
    aggregation: 'sum',
    unit: 'token',
    dimensions: ['model', 'region'],
    ...overrides,
  };
}

export function meteredItemBody(
  meter: string,
  overrides: { key?: string; name?: string; filter?: Record<string, string> } = {},
): BillableItemBody {
  const key = overrides.key ?? uniqueKey('metered_item');
  return { key, name: `Item ${key}`, kind: 'metered', meter, filter: {}, ...overrides };
}

export function licensedItemBody(
  overrides: { key?: string; name?: string } = {},
): BillableItemBody {
  const key = overrides.key ?? uniqueKey('licensed_item');
  return { key, name: `Licence ${key}`, kind: 'licensed', ...overrides };
}

export function planBody(overrides: Partial<PlanBody> = {}): PlanBody {
  const key = overrides.key ?? uniqueKey('plan');
  return { key, name: `Plan ${key}`, currency: 'USD', ...overrides };
}

/** What a default plan version prices: each key is optional, and its section is left empty without it. */
export interface PlanVersionRefs {
  meteredItem?: string;
  licensedItem?: string;
  meter?: string;
}

/**
 * A version pricing `meteredItem` at 0.01 per unit, `licensedItem` at 49.00,
 * with a limit of 1000 on `meter`, monthly; overrides replace whole sections.
 */
export function planVersionBody(
  refs: PlanVersionRefs = {},
  overrides: Partial<PlanVersionBody> = {},
): PlanVersionBody {
  return {
    live: true,
    serviceInterval: { unit: 'month', count: 1 },
    rates: refs.meteredItem
      ? [{ billableItem: refs.meteredItem, rate: { model: 'per_unit', unitAmount: '0.01' } }]
      : [],
    licenceFees: refs.licensedItem
      ? [{ billableItem: refs.licensedItem, unitAmount: '49.00' }]
      : [],
    creditGrants: [],
    limits: refs.meter ? [{ meter: refs.meter, quantity: '1000' }] : [],
    ...overrides,
  };
}

export function customerBody(overrides: Partial<CustomerBody> = {}): CustomerBody {
  const externalId = overrides.externalId ?? uniqueKey('customer');
  return {
    externalId,
    name: `Customer ${externalId}`,
    email: `billing@${externalId.replace(/_/g, '-')}.example`,
    ...overrides,
  };
}

export function subscriptionBody(
  customerExternalId: string,
  plan: string,
  overrides: Partial<SubscriptionBody> = {},
): SubscriptionBody {
  return { customerExternalId, plan, startDate: '2026-03-01T00:00:00Z', ...overrides };
}

// ---- set-ups through the API ----------------------------------------------

/** The body of a 201 answer; any other answer fails the test with what the service said. */
async function created<T>(pending: request.Test): Promise<T> {
  const response = await pending;
  if (response.status !== 201) {
    throw new Error(
      `expected 201 from ${pending.url}, got ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body as T;
}

export function createMeter(
  t: TestApp,
  overrides: Partial<MeterBody> = {},
): Promise<MeterResponse> {
  return created(t.admin.post('/v1/meters', meterBody(overrides)));
}

export function createBillableItem(
  t: TestApp,
  body: BillableItemBody,
): Promise<BillableItemResponse> {
  return created(t.admin.post('/v1/billable-items', body));
}

/** A plan without versions. */
export function createPlan(t: TestApp, overrides: Partial<PlanBody> = {}): Promise<PlanResponse> {
  return created(t.admin.post('/v1/plans', planBody(overrides)));
}

export function publishPlanVersion(
  t: TestApp,
  plan: string,
  body: PlanVersionBody,
): Promise<PlanVersionResponse> {
  return created(t.admin.post(`/v1/plans/${plan}/versions`, body));
}

/** A plan with one live version and the catalog entries it prices. */
export interface PricedPlan {
  plan: PlanResponse;
  version: PlanVersionResponse;
  /** Sums `value`, declares dimensions `model` and `region`; the version limits it to 1000 a month. */
  meter: MeterResponse;
  /** Every event of `meter`, at 0.01 a unit. */
  meteredItem: BillableItemResponse;
  /** 49.00 per licence a month. */
  licensedItem: BillableItemResponse;
}

export async function createPlanWithVersion(
  t: TestApp,
  overrides: {
    plan?: Partial<PlanBody>;
    meter?: Partial<MeterBody>;
    version?: Partial<PlanVersionBody>;
  } = {},
): Promise<PricedPlan> {
  const meter = await createMeter(t, overrides.meter);
  const meteredItem = await createBillableItem(t, meteredItemBody(meter.key));
  const licensedItem = await createBillableItem(t, licensedItemBody());
  const { key } = await createPlan(t, overrides.plan);
  const refs = { meteredItem: meteredItem.key, licensedItem: licensedItem.key, meter: meter.key };
  const version = await publishPlanVersion(t, key, planVersionBody(refs, overrides.version));
  const plan = (await t.admin.get(`/v1/plans/${key}`)).body as PlanResponse;
  return { plan, version, meter, meteredItem, licensedItem };
}

/**
 * The plan sales should propose to customers of `priced`: the same items with
 * a limit of 100 000 and a 199.00 licence. Answers its key.
 */
export async function createScalePlan(
  t: TestApp,
  priced: PricedPlan,
  key = uniqueKey('scale'),
): Promise<string> {
  await createPlan(t, { key, name: 'Scale', currency: 'USD' });
  await publishPlanVersion(
    t,
    key,
    planVersionBody(
      { meteredItem: priced.meteredItem.key, meter: priced.meter.key },
      {
        licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '199.00' }],
        limits: [{ meter: priced.meter.key, quantity: '100000' }],
      },
    ),
  );
  return key;
}

export function createCustomer(
  t: TestApp,
  overrides: Partial<CustomerBody> = {},
): Promise<CustomerResponse> {
  return created(t.admin.post('/v1/customers', customerBody(overrides)));
}

/**
 * A subscription; without `customerExternalId` or `plan` in the overrides, a new
 * customer or a new priced plan (createPlanWithVersion) is created for it.
 */
export async function createSubscription(
  t: TestApp,
  overrides: Partial<SubscriptionBody> = {},
  idempotencyKey?: string,
): Promise<SubscriptionResponse> {
  const customerExternalId = overrides.customerExternalId ?? (await createCustomer(t)).externalId;
  const plan = overrides.plan ?? (await createPlanWithVersion(t)).plan.key;
  const pending = t.admin.post(
    '/v1/subscriptions',
    subscriptionBody(customerExternalId, plan, overrides),
  );
  return created(idempotencyKey ? pending.set('Idempotency-Key', idempotencyKey) : pending);
}

export interface SubscribedCustomer {
  customer: CustomerResponse;
  priced: PricedPlan;
  subscription: SubscriptionResponse;
}

/** A new customer subscribed (from 2026-03-01, monthly) to a new priced plan: the usual start of a usage test. */
export async function createSubscribedCustomer(
  t: TestApp,
  overrides: { customer?: Partial<CustomerBody>; subscription?: Partial<SubscriptionBody> } = {},
): Promise<SubscribedCustomer> {
  const customer = await createCustomer(t, overrides.customer);
  const priced = await createPlanWithVersion(t);
  const subscription = await createSubscription(t, {
    customerExternalId: customer.externalId,
    plan: priced.plan.key,
    ...overrides.subscription,
  });
  return { customer, priced, subscription };
}

/** A fresh API key with the given scope, for 401/403 tests. */
export async function createApiKey(t: TestApp, scope: Scope): Promise<string> {
  const body = await created<{ key: string }>(
    t.admin.post('/v1/api-keys', { name: uniqueKey(scope), scope }),
  );
  return body.key;
}

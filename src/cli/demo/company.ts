/**
 * The demo company, generated from a fixed seed so every run tells the same
 * story: four plans of different pricing models and ~200 customers who start,
 * grow, shrink, pause and churn over 18 months. Pure: no database, no clock.
 */
import { Decimal } from '../../common/decimal';

export type DemoPlanKey = 'tokens-starter' | 'tokens-scale' | 'api-metered' | 'support-outcomes';

export interface DemoCustomer {
  externalId: string;
  name: string;
  plan: DemoPlanKey;
  /** Month index (0 = the first month of history) of the first revenue. */
  start: number;
  /** Month index of the first month without revenue for good; null = still a customer. */
  churn: number | null;
  /** Months of the imported history without revenue, after which the customer came back. */
  paused: number[];
  /** Usage in the first month, in the plan's main unit (tokens, API calls, resolved tickets). */
  size: number;
  /** Monthly growth factor of usage: above 1 expands, below 1 contracts. */
  growth: number;
  /** Ends the current month near or past its limit, so threshold alerts fire. */
  nearLimit: boolean;
}

export const HISTORY_MONTHS = 18;
/** Months 0..11 come from the previous billing system; 12..17 are metered and billed here. */
export const IMPORTED_MONTHS = 12;
export const CUSTOMERS = 200;

/** Included usage per month of the plans with limits (the plan versions use the same numbers). */
export const LIMITS: Partial<Record<DemoPlanKey, number>> = {
  'tokens-starter': 5_000_000,
  'tokens-scale': 50_000_000,
  'api-metered': 250_000,
};

/** Mulberry32: a tiny seeded generator, so the demo is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = [
  'Acme',
  'Nimbus',
  'Vector',
  'Quanta',
  'Helix',
  'Orbit',
  'Lumen',
  'Cobalt',
  'Zephyr',
  'Atlas',
];
const SUFFIXES = [
  'AI',
  'Labs',
  'Health',
  'Robotics',
  'Legal',
  'Bio',
  'Retail',
  'Finance',
  'Games',
  'Media',
];

export function generateCompany(random = seededRandom(20260101)): DemoCustomer[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const between = (low: number, high: number) => low + random() * (high - low);
  const customers: DemoCustomer[] = [];
  for (let n = 1; n <= CUSTOMERS; n += 1) {
    const roll = random();
    const plan: DemoPlanKey =
      roll < 0.45
        ? 'tokens-starter'
        : roll < 0.6
          ? 'tokens-scale'
          : roll < 0.82
            ? 'api-metered'
            : 'support-outcomes';
    // Most customers were there early; new ones keep arriving every month.
    const start = random() < 0.35 ? 0 : Math.floor(random() * (HISTORY_MONTHS + 1));
    const churns = random() < 0.18;
    const churnAt = start + 2 + Math.floor(random() * 12);
    const limit = LIMITS[plan];
    const nearLimit =
      plan === 'tokens-starter' && start < HISTORY_MONTHS && !churns && random() < 0.3;
    const paused = random() < 0.06 && start + 5 < IMPORTED_MONTHS ? [start + 2, start + 3] : [];
    customers.push({
      externalId: `cust_${String(n).padStart(3, '0')}`,
      name: `${pick(PREFIXES)} ${pick(SUFFIXES)} ${n}`,
      plan,
      start,
      churn: churns && churnAt <= HISTORY_MONTHS ? churnAt : null,
      paused,
      size: limit ? limit * between(0.15, 0.6) : Math.round(between(20, 120)),
      growth: pick([0.95, 0.98, 1, 1.02, 1.04, 1.06, 1.08]),
      nearLimit,
    });
  }
  return customers;
}

/** Usage of a customer in month `index`; null when it had no revenue that month. */
export function usageIn(customer: DemoCustomer, index: number): number | null {
  if (index < customer.start || customer.paused.includes(index)) return null;
  if (customer.churn !== null && index >= customer.churn) return null;
  const usage = customer.size * customer.growth ** (index - customer.start);
  const limit = LIMITS[customer.plan];
  // Keeps metered months mostly under their limit; the current month is set on its own.
  return limit ? Math.min(usage, limit * 0.75) : usage;
}

/**
 * What the previous billing system invoiced for a month of usage: an
 * approximation of the plans below (list price, no credits), in USD.
 */
export function importedRevenue(plan: DemoPlanKey, usage: number): Decimal {
  const quantity = new Decimal(Math.round(usage));
  switch (plan) {
    case 'tokens-starter':
      return Decimal.max(quantity.minus(1_000_000), 0).times('0.00002').plus(99);
    case 'tokens-scale':
      return quantity.times('0.000015').plus(499);
    case 'api-metered':
      return quantity.times('0.002').plus(25);
    case 'support-outcomes':
      // ~400.00 of ticket value each, at 2.5 % plus 0.25 a ticket.
      return quantity.times('10.25');
  }
}

import { DataSource } from 'typeorm';
import { ManualClock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { ShutdownService } from '../common/shutdown.service';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { FiredAlert } from '../crm/crm-signals';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { ForecastsService, SubscriptionForecast } from '../forecasting/forecasts.service';
import { EmailMessage } from '../notifications/email-message';
import { NotificationsService } from '../notifications/notifications.service';
import { AlertFactsService } from './alert-facts.service';
import { AlertRule } from './alert-rule-kinds';
import { AlertRulesRepository } from './alert-rules.repository';
import { alertKey, AlertsRepository } from './alerts.repository';
import { AlertsEvaluator } from './alerts-evaluator.service';
import { NewAlert } from './firing';
import { IngestGate } from './ingest-gate.service';
import { AlertRuleSources } from './rule-sources.service';

/**
 * The evaluator's decisions with in-memory fakes of its repositories and
 * ports (no database): which rules it runs when, that the gate spares the
 * forecast, and that a fired alert, its e-mail and its CRM record are written
 * once. The SQL and the wiring are the e2e suite's (test/e2e/alerts.e2e-spec.ts).
 */
const d = (value: string | number) => new Decimal(value);
const NOW = new Date('2026-03-20T00:00:00Z');
const INTERVAL = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };

const subject: ForecastSubject = {
  subscriptionId: 'sub-1',
  customerId: 'cus-1',
  customerExternalId: 'acme',
  planId: 'plan-1',
  planKey: 'pro',
  planVersionId: 'version-1',
  version: 1,
  currency: 'USD',
  schedule: {
    subscriptionStart: INTERVAL.start,
    subscriptionEnd: null,
    billingCadence: { unit: 'month', count: 1 },
    serviceInterval: { unit: 'month', count: 1 },
  },
  limits: [],
  licenceQuantities: {},
};

function forecastAt(quantity: Decimal): SubscriptionForecast {
  const band = { expected: quantity, low: quantity, high: quantity };
  return {
    subject,
    interval: INTERVAL,
    now: NOW,
    currency: 'USD',
    meters: [
      {
        meterId: 'meter-1',
        meterKey: 'tokens',
        meterName: 'Tokens',
        unit: 'token',
        kind: 'cumulative',
        quantity,
        projected: band,
        method: 'recent_average',
        runRate: quantity,
        limit: d(1000),
        crossings: [],
      },
    ],
    projectedBill: { expected: d(10), low: d(10), high: d(10) },
    runRateBill: d(10),
    billSoFar: d(5),
    pricing: null,
  };
}

const basis = {
  scope: { kind: 'all' as const },
  channels: ['email' as const],
  enabled: true,
  createdAt: NOW,
};
const threshold: AlertRule = {
  ...basis,
  id: 'rule-t',
  type: 'usage_threshold',
  levels: [d(80), d(100)],
  meter: null,
};
const spend: AlertRule = { ...basis, id: 'rule-s', type: 'spend_threshold', amount: d(5) };
const shock: AlertRule = {
  ...basis,
  id: 'rule-b',
  type: 'bill_shock',
  factor: d(2),
  minIncrease: d(0),
};

/** The store of alerts, keyed as the table's unique constraint is. */
class FakeAlerts {
  readonly stored = new Map<string, NewAlert>();
  async firedKeys(): Promise<Set<string>> {
    return new Set(this.stored.keys());
  }
  async insertOnce(_tx: unknown, alert: NewAlert): Promise<string | null> {
    const key = alertKey(alert.ruleId, alert.level, alert.meterId);
    if (this.stored.has(key)) return null;
    this.stored.set(key, alert);
    return `alert-${this.stored.size}`;
  }
  async recentInvoiceTotals(): Promise<Decimal[]> {
    return [d(4)];
  }
}

function evaluatorWith(rules: AlertRule[], quantity: Decimal, gateOpen = true) {
  const alerts = new FakeAlerts();
  const emails: EmailMessage[] = [];
  const crm: FiredAlert[] = [];
  const asked = { forecasts: 0, ruleTypes: [] as string[][] };
  const fakes = {
    db: { transaction: (work: (tx: object) => Promise<unknown>) => work({}) },
    rules: {
      list: async (filter: { types: string[] }) => {
        asked.ruleTypes.push(filter.types);
        return rules.filter((rule) => filter.types.includes(rule.type));
      },
    },
    subjects: { active: async () => [subject] },
    forecasts: {
      forecast: async () => {
        asked.forecasts += 1;
        return forecastAt(quantity);
      },
    },
    facts: { recommend: async () => null },
    notifications: {
      enqueueEmail: async (_tx: unknown, email: EmailMessage) => void emails.push(email),
    },
    gate: {
      whichMayFire: async (subjects: ForecastSubject[]) => (gateOpen ? subjects : []),
    },
    sources: { recentInvoiceTotals: () => alerts.recentInvoiceTotals() },
    crm: { enqueueAlert: async (_tx: unknown, alert: FiredAlert) => void crm.push(alert) },
  };
  const evaluator = new AlertsEvaluator(
    fakes.db as unknown as DataSource,
    fakes.rules as unknown as AlertRulesRepository,
    alerts as unknown as AlertsRepository,
    fakes.subjects as unknown as ForecastSubjectsRepository,
    fakes.forecasts as unknown as ForecastsService,
    fakes.facts as unknown as AlertFactsService,
    fakes.notifications as unknown as NotificationsService,
    new ManualClock(NOW),
    fakes.gate as unknown as IngestGate,
    fakes.sources as unknown as AlertRuleSources,
    fakes.crm as unknown as CrmOutbox,
    new ShutdownService(),
  );
  return { evaluator, alerts, emails, crm, asked };
}

describe('AlertsEvaluator', () => {
  it('runs the on-ingest kinds for moved customers and the scheduled kinds on the schedule', async () => {
    const { evaluator, asked } = evaluatorWith([threshold, spend, shock], d(0));
    await evaluator.evaluateCustomers(['cus-1'], NOW);
    await evaluator.evaluateScheduled(NOW);
    expect(asked.ruleTypes).toEqual([
      ['usage_threshold', 'spend_threshold', 'credit_balance_low', 'quota_pressure'],
      ['bill_shock', 'credit_balance_low', 'usage_spike'],
    ]);
  });

  it('fires 80 and 100 at 1 200 of 1 000, with an e-mail and a CRM record each, once', async () => {
    const { evaluator, alerts, emails, crm } = evaluatorWith([threshold], d(1200));
    expect(await evaluator.evaluateCustomers(['cus-1'], NOW)).toBe(2);
    expect([...alerts.stored.values()].map((alert) => alert.level)).toEqual(['80', '100']);
    expect(emails.map((email) => email.template)).toEqual([
      'usage_threshold',
      'usage_limit_reached',
    ]);
    expect(crm.map((alert) => `${alert.rule} ${alert.level}`)).toEqual([
      'usage_threshold 80',
      'usage_threshold 100',
    ]);
    // The same pass again: both keys are taken, nothing is written twice.
    expect(await evaluator.evaluateCustomers(['cus-1'], NOW)).toBe(0);
    expect(emails).toHaveLength(2);
    expect(crm).toHaveLength(2);
  });

  it('skips the forecast when the gate finds nothing that may fire', async () => {
    const { evaluator, asked } = evaluatorWith([threshold], d(1200), false);
    expect(await evaluator.evaluateCustomers(['cus-1'], NOW)).toBe(0);
    expect(asked.forecasts).toBe(0);
  });

  it('sends no e-mail for a rule kind without a template, but still tells the CRM', async () => {
    const { evaluator, emails, crm } = evaluatorWith([spend], d(0));
    expect(await evaluator.evaluateCustomers(['cus-1'], NOW)).toBe(1);
    expect(emails).toEqual([]);
    expect(crm.map((alert) => `${alert.rule} ${alert.level}`)).toEqual(['spend_threshold 5']);
  });

  it('coalesces queued customers into one pass and evaluates them off the caller', async () => {
    const { evaluator, alerts } = evaluatorWith([threshold], d(900));
    evaluator.enqueue(['cus-1']);
    evaluator.enqueue(['cus-1']);
    expect(alerts.stored.size).toBe(0);
    await evaluator.flush();
    expect([...alerts.stored.values()].map((alert) => alert.level)).toEqual(['80']);
  });
});

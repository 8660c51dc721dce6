import request from 'supertest';
import { DataSource } from 'typeorm';
import { Decimal } from '../../src/common/decimal';
import { CreditGrantsService } from '../../src/credits/credit-grants.service';
import { CreditLedgerRepository } from '../../src/credits/credit-ledger.repository';
import { grantLotsForIntervals } from '../../src/credits/grant-lots';
import {
  CreditLedgerResponse,
  CreditLotResponse,
} from '../../src/credits/dto/credit-ledger.response';
import { CreditGrantsJob } from '../../src/scheduler/credit-grants.job';
import {
  createApiKey,
  createBillableItem,
  createCustomer,
  createPlanWithVersion,
  createSubscription,
  licensedItemBody,
  PricedPlan,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-03-15T12:00:00Z';

describe('Credits', () => {
  let t: TestApp;
  let db: DataSource;
  let ledgerRepository: CreditLedgerRepository;
  let grants: CreditGrantsService;

  const creditsPath = (externalId: string) => `/v1/customers/${externalId}/credits`;
  const topUp = (externalId: string, body: object, idempotencyKey?: string) => {
    const pending = t.admin.post(creditsPath(externalId), body);
    return idempotencyKey ? pending.set('Idempotency-Key', idempotencyKey) : pending;
  };
  const ledger = async (externalId: string): Promise<CreditLedgerResponse> => {
    const response = await t.admin.get(creditsPath(externalId));
    expect(response.status).toBe(200);
    return response.body;
  };
  const fieldsOf = (response: request.Response): string[] =>
    response.body.error.details.map((detail: { field: string }) => detail.field).sort();
  const customerId = async (externalId: string): Promise<string> => {
    const [row]: Array<{ id: string }> = await db.query(
      'SELECT id FROM customers WHERE external_id = $1',
      [externalId],
    );
    return row.id;
  };

  /** A plan with a monthly grant of 10.00 that expires with its interval and one of 5 that never does. */
  const planWithGrants = async (): Promise<PricedPlan> => {
    const priced = await createPlanWithVersion(t);
    const version = await t.admin.post(`/v1/plans/${priced.plan.key}/versions`, {
      rates: [
        { billableItem: priced.meteredItem.key, rate: { model: 'per_unit', unitAmount: '0.01' } },
      ],
      creditGrants: [
        {
          name: 'Monthly credit',
          amount: '10.00',
          appliesTo: [priced.meteredItem.key],
          expiresAfterIntervals: 1,
        },
        { name: 'Rollover credit', amount: '5', appliesTo: [priced.meteredItem.key] },
      ],
    });
    expect(version.status).toBe(201);
    return priced;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: NOW });
    db = t.app.get(DataSource);
    ledgerRepository = t.app.get(CreditLedgerRepository);
    grants = t.app.get(CreditGrantsService);
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(NOW));

  describe('top-ups', () => {
    it('creates a lot in the customer currency and lists it in the ledger', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const created = await topUp(customer.externalId, { amount: '50.00' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        kind: 'top_up',
        name: 'Prepaid credit',
        currency: 'USD',
        amount: '50.00',
        consumed: '0.00',
        // rollover fields (issue 10): a top-up neither rolls over nor comes from a rollover
        rolledOver: '0.00',
        remaining: '50.00',
        rolledOverFrom: null,
        appliesTo: null,
        validFrom: '2026-03-15T12:00:00.000Z',
        expiresAt: null,
        status: 'active',
        subscriptionId: null,
        createdAt: expect.any(String),
        consumptions: [],
      });
      expect(await ledger(customer.externalId)).toEqual({
        customerExternalId: customer.externalId,
        lots: [created.body],
        totals: [
          {
            currency: 'USD',
            granted: '50.00',
            consumed: '0.00',
            expired: '0.00',
            available: '50.00',
          },
        ],
      });
    });

    it('takes a currency, name, expiry and the items the credit pays for', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const item = await createBillableItem(t, licensedItemBody());
      const created = await topUp(customer.externalId, {
        amount: '1200',
        currency: 'JPY',
        name: 'Launch bonus',
        expiresAt: '2026-06-01T00:00:00Z',
        appliesTo: [item.key],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Launch bonus',
        currency: 'JPY',
        amount: '1200',
        remaining: '1200',
        appliesTo: [item.key],
        expiresAt: '2026-06-01T00:00:00.000Z',
        status: 'active',
      });
    });

    it('answers a retry with the same Idempotency-Key with the first lot and creates nothing', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const first = await topUp(customer.externalId, { amount: '25.00' }, 'top-up-1');
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const retry = await topUp(customer.externalId, { amount: '25.00' }, 'top-up-1');
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);

      // Two retries racing each other: the unique key lets one insert, the other finds it.
      const racing = await Promise.all(
        [1, 2, 3].map(() => topUp(customer.externalId, { amount: '10.00' }, 'top-up-2')),
      );
      expect(racing.map((response) => response.status)).toEqual([201, 201, 201]);
      expect(new Set(racing.map((response) => response.body.id)).size).toBe(1);

      const { lots, totals } = await ledger(customer.externalId);
      expect(lots.map((lot) => lot.amount).sort()).toEqual(['10.00', '25.00']);
      expect(totals[0].granted).toBe('35.00');
    });

    it('keeps idempotency keys per customer', async () => {
      const [a, b] = [
        await createCustomer(t, { currency: 'USD' }),
        await createCustomer(t, { currency: 'USD' }),
      ];
      const forA = await topUp(a.externalId, { amount: '5.00' }, 'shared-key');
      const forB = await topUp(b.externalId, { amount: '5.00' }, 'shared-key');
      expect(forB.status).toBe(201);
      expect(forB.body.id).not.toBe(forA.body.id);
      expect(forB.headers['idempotent-replayed']).toBeUndefined();
    });

    it('refuses a key used for a different top-up', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      await topUp(customer.externalId, { amount: '25.00' }, 'top-up-3');
      const response = await topUp(customer.externalId, { amount: '2500.00' }, 'top-up-3');
      expect(response.status).toBe(409);
      expect(response.body.error.details).toEqual([
        { field: 'Idempotency-Key', problem: 'was used for a different top-up' },
      ]);
      expect((await ledger(customer.externalId)).lots).toHaveLength(1);
    });

    it('rejects bad fields naming each one', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const response = await topUp(customer.externalId, {
        amount: 50,
        currency: 'usd',
        name: ' ',
        expiresAt: 'next week',
        appliesTo: [],
        colour: 'gold',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(fieldsOf(response)).toEqual([
        'amount',
        'appliesTo',
        'colour',
        'currency',
        'expiresAt',
        'name',
      ]);
      const zero = await topUp(customer.externalId, { amount: '0' });
      expect(zero.body.error.details).toEqual([
        { field: 'amount', problem: 'must be greater than 0' },
      ]);
      const header = await topUp(customer.externalId, { amount: '1.00' }, 'é');
      expect(fieldsOf(header)).toEqual(['Idempotency-Key']);
    });

    it('needs a currency when the customer has none', async () => {
      const customer = await createCustomer(t);
      const response = await topUp(customer.externalId, { amount: '50.00' });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        {
          field: 'currency',
          problem: `is required: customer '${customer.externalId}' has no currency`,
        },
      ]);
      expect((await topUp(customer.externalId, { amount: '50.00', currency: 'EUR' })).status).toBe(
        201,
      );
    });

    it('rejects amounts finer than the currency and expiries that have passed', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const cents = await topUp(customer.externalId, { amount: '10.005' });
      expect(cents.body.error.details).toEqual([
        { field: 'amount', problem: 'must have at most 2 decimal places in USD' },
      ]);
      const yen = await topUp(customer.externalId, { amount: '10.5', currency: 'JPY' });
      expect(yen.body.error.details).toEqual([
        { field: 'amount', problem: 'must have at most 0 decimal places in JPY' },
      ]);
      const past = await topUp(customer.externalId, { amount: '10.00', expiresAt: NOW });
      expect(past.body.error.details).toEqual([
        { field: 'expiresAt', problem: 'must be in the future' },
      ]);
    });

    it('rejects unknown billable items naming the entry', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const item = await createBillableItem(t, licensedItemBody());
      const response = await topUp(customer.externalId, {
        amount: '10.00',
        appliesTo: [item.key, 'ghost_item'],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'appliesTo[1]', problem: "no billable item with key 'ghost_item'" },
      ]);
      expect((await ledger(customer.externalId)).lots).toEqual([]);
    });

    it('answers 404 for an unknown customer', async () => {
      const post = await topUp('nobody', { amount: '10.00', currency: 'USD' });
      expect(post.status).toBe(404);
      expect(post.body.error.code).toBe('not_found');
      expect((await t.admin.get(creditsPath('nobody'))).status).toBe(404);
    });

    it('lets read keys see the ledger but not top it up', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const readKey = await createApiKey(t, 'read');
      const asReader = (test: request.Test) => test.set('Authorization', `Bearer ${readKey}`);
      expect((await asReader(t.http().get(creditsPath(customer.externalId)))).status).toBe(200);
      const post = await asReader(t.http().post(creditsPath(customer.externalId))).send({
        amount: '1.00',
      });
      expect(post.status).toBe(403);
    });
  });

  describe('plan grants', () => {
    it('issues the lots of the current service interval once, however often and concurrently it runs', async () => {
      const priced = await planWithGrants();
      const customer = await createCustomer(t);
      const subscription = await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate: '2026-03-01T00:00:00Z',
      });

      await Promise.all([1, 2, 3].map(() => grants.issueDueGrants(t.clock.now())));
      await grants.issueDueGrants(t.clock.now());

      const { lots, totals } = await ledger(customer.externalId);
      expect(lots).toMatchObject([
        {
          kind: 'grant',
          name: 'Monthly credit',
          currency: 'USD',
          amount: '10.00',
          consumed: '0.00',
          remaining: '10.00',
          appliesTo: [priced.meteredItem.key],
          validFrom: '2026-03-01T00:00:00.000Z',
          expiresAt: '2026-04-01T00:00:00.000Z',
          status: 'active',
          subscriptionId: subscription.id,
          consumptions: [],
        },
        {
          kind: 'grant',
          name: 'Rollover credit',
          currency: 'USD',
          amount: '5.00',
          consumed: '0.00',
          remaining: '5.00',
          appliesTo: [priced.meteredItem.key],
          validFrom: '2026-03-01T00:00:00.000Z',
          expiresAt: null,
          status: 'active',
          subscriptionId: subscription.id,
          consumptions: [],
        },
      ]);
      expect(totals).toEqual([
        {
          currency: 'USD',
          granted: '15.00',
          consumed: '0.00',
          expired: '0.00',
          available: '15.00',
        },
      ]);
    });

    it('issues the next interval when it begins; the last one expires', async () => {
      const priced = await planWithGrants();
      const customer = await createCustomer(t);
      await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      await grants.issueDueGrants(t.clock.now());

      t.clock.set('2026-04-01T00:00:30Z');
      await grants.issueDueGrants(t.clock.now());

      const { lots, totals } = await ledger(customer.externalId);
      expect(
        lots.map((lot) => `${lot.name} ${lot.validFrom}..${lot.expiresAt} ${lot.status}`),
      ).toEqual([
        'Monthly credit 2026-03-01T00:00:00.000Z..2026-04-01T00:00:00.000Z expired',
        'Rollover credit 2026-03-01T00:00:00.000Z..null active',
        'Monthly credit 2026-04-01T00:00:00.000Z..2026-05-01T00:00:00.000Z active',
        'Rollover credit 2026-04-01T00:00:00.000Z..null active',
      ]);
      // 10 + 5 + 10 + 5 granted; March's 10 expired unused.
      expect(totals).toEqual([
        {
          currency: 'USD',
          granted: '30.00',
          consumed: '0.00',
          expired: '10.00',
          available: '20.00',
        },
      ]);
    });

    it('issues nothing before a subscription starts, after it ends, or without grants', async () => {
      const withGrants = await planWithGrants();
      const withoutGrants = await createPlanWithVersion(t);
      const customer = await createCustomer(t);
      const subscribe = (plan: string, dates: { startDate: string; endDate?: string }) =>
        createSubscription(t, { customerExternalId: customer.externalId, plan, ...dates });
      await subscribe(withGrants.plan.key, { startDate: '2026-05-01T00:00:00Z' });
      await subscribe(withGrants.plan.key, {
        startDate: '2026-02-01T00:00:00Z',
        endDate: '2026-03-10T00:00:00Z',
      });
      await subscribe(withoutGrants.plan.key, { startDate: '2026-03-01T00:00:00Z' });

      await grants.issueDueGrants(t.clock.now());

      expect((await ledger(customer.externalId)).lots).toEqual([]);
    });

    it('lets issueGrantLots fill past intervals, leaving issued lots alone', async () => {
      const priced = await planWithGrants();
      const customer = await createCustomer(t);
      const subscription = await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate: '2026-02-01T00:00:00Z',
      });
      await grants.issueDueGrants(t.clock.now());
      const grantRows: Array<{
        id: string;
        name: string;
        amount: string;
        applies_to: string[];
        expires_after_intervals: number | null;
      }> = await db.query(
        `SELECT g.id, g.name, g.amount, g.applies_to, g.expires_after_intervals FROM plan_version_credit_grants g
           JOIN plan_versions v ON v.id = g.plan_version_id JOIN plans p ON p.id = v.plan_id
           WHERE p.key = $1 ORDER BY g.position`,
        [priced.plan.key],
      );
      const schedule = {
        subscriptionStart: new Date('2026-02-01T00:00:00Z'),
        subscriptionEnd: null,
        billingCadence: { unit: 'month' as const, count: 1 },
        serviceInterval: { unit: 'month' as const, count: 1 },
      };
      const lots = grantLotsForIntervals({
        customerId: await customerId(customer.externalId),
        subscriptionId: subscription.id,
        currency: 'USD',
        schedule,
        grants: grantRows.map((row) => ({
          id: row.id,
          name: row.name,
          amount: new Decimal(row.amount),
          appliesTo: row.applies_to,
          expiresAfterIntervals: row.expires_after_intervals,
        })),
        intervals: [
          { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z') },
          { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') },
        ],
      });

      await ledgerRepository.issueGrantLots(db, lots);
      await ledgerRepository.issueGrantLots(db, lots);

      const { lots: issued } = await ledger(customer.externalId);
      expect(issued.map((lot) => `${lot.name} ${lot.validFrom} ${lot.status}`)).toEqual([
        'Monthly credit 2026-02-01T00:00:00.000Z expired',
        'Rollover credit 2026-02-01T00:00:00.000Z active',
        'Monthly credit 2026-03-01T00:00:00.000Z active',
        'Rollover credit 2026-03-01T00:00:00.000Z active',
      ]);
    });
  });

  describe('the ledger the invoicing code spends', () => {
    let externalId: string;
    let id: string;
    let subscriptionId: string;
    let lotIds: {
      grant: string;
      expiringApril: string;
      expiringJune: string;
      neverExpiring: string;
      euro: string;
    };

    const insertInvoice = async (periodStart: string): Promise<string> => {
      const [invoice]: Array<{ id: string }> = await db.query(
        `INSERT INTO invoices (customer_id, subscription_id, plan_version_id, period_start, period_end, status,
                               currency, tax_rate, subtotal, credits_applied, tax, total)
         SELECT customer_id, id, plan_version_id, $2::timestamptz, $2::timestamptz + interval '1 month', 'draft',
                'USD', 0, 0, 0, 0, 0
         FROM subscriptions WHERE id = $1
         RETURNING id`,
        [subscriptionId, periodStart],
      );
      return invoice.id;
    };
    const available = async (options: { at?: Date; currency?: string } = {}) =>
      (
        await ledgerRepository.availableLots(db, id, options.currency ?? 'USD', { at: options.at })
      ).map((lot): [string, string] => [lot.id, lot.remaining.toFixed()]);
    const topUpLot = async (body: object): Promise<string> => {
      const response = await topUp(externalId, body);
      expect(response.status).toBe(201);
      return (response.body as CreditLotResponse).id;
    };

    beforeAll(async () => {
      const priced = await planWithGrants();
      const customer = await createCustomer(t, { currency: 'USD' });
      externalId = customer.externalId;
      id = await customerId(externalId);
      subscriptionId = (
        await createSubscription(t, { customerExternalId: externalId, plan: priced.plan.key })
      ).id;
      await grants.issueDueGrants(t.clock.now());
      const grantLots = (await ledger(externalId)).lots;
      lotIds = {
        grant: grantLots.find((lot) => lot.name === 'Monthly credit')!.id,
        neverExpiring: await topUpLot({ amount: '50.00' }),
        expiringJune: await topUpLot({ amount: '30.00', expiresAt: '2026-06-01T00:00:00Z' }),
        expiringApril: await topUpLot({ amount: '20.00', expiresAt: '2026-04-01T00:00:00Z' }),
        euro: await topUpLot({ amount: '100.00', currency: 'EUR' }),
      };
      // The grant's 5.00 rollover lot never expires either; issued before the top-ups.
    });

    it('lists the lots with credit left, soonest-expiring first', async () => {
      const rollover = (await ledger(externalId)).lots.find(
        (lot) => lot.name === 'Rollover credit',
      )!.id;
      expect(await available()).toEqual([
        [lotIds.grant, '10'], // expires Apr 1, valid from Mar 1
        [lotIds.expiringApril, '20'], // expires Apr 1, valid from Mar 15
        [lotIds.expiringJune, '30'],
        [rollover, '5'], // never expires, valid from Mar 1
        [lotIds.neverExpiring, '50'], // never expires, valid from Mar 15
      ]);
      expect(await available({ at: new Date('2026-04-01T00:00:00Z') })).toEqual([
        [lotIds.expiringJune, '30'],
        [rollover, '5'],
        [lotIds.neverExpiring, '50'],
      ]);
      expect(await available({ currency: 'EUR' })).toEqual([[lotIds.euro, '100']]);
      const locked = await db.transaction((tx) =>
        ledgerRepository.availableLots(tx, id, 'EUR', { forUpdate: true }),
      );
      expect(locked.map((lot) => lot.id)).toEqual([lotIds.euro]);
    });

    it('records consumptions once per invoice and lot, lowering what is left', async () => {
      const invoiceId = await insertInvoice('2026-03-01T00:00:00Z');
      const consumptions = [
        { lotId: lotIds.grant, amount: new Decimal('10.00') },
        { lotId: lotIds.expiringApril, amount: new Decimal('5.50') },
      ];
      await db.transaction((tx) =>
        ledgerRepository.recordConsumptions(tx, [{ invoiceId, customerId: id, consumptions }]),
      );
      // A retried finalization records nothing twice.
      await ledgerRepository.recordConsumptions(db, [{ invoiceId, customerId: id, consumptions }]);

      const remaining = new Map(await available());
      expect(remaining.has(lotIds.grant)).toBe(false);
      expect(remaining.get(lotIds.expiringApril)).toBe('14.5'); // 20.00 − 5.50

      const { lots, totals } = await ledger(externalId);
      const grantLot = lots.find((lot) => lot.id === lotIds.grant)!;
      expect(grantLot).toMatchObject({ consumed: '10.00', remaining: '0.00', status: 'used' });
      expect(grantLot.consumptions).toEqual([
        { invoiceId, invoiceNumber: null, amount: '10.00', createdAt: expect.any(String) },
      ]);
      expect(lots.find((lot) => lot.id === lotIds.expiringApril)).toMatchObject({
        consumed: '5.50',
        remaining: '14.50',
        status: 'active',
      });
      // USD: 10 + 5 granted, 50 + 30 + 20 topped up = 115.00; 15.50 consumed.
      expect(totals).toContainEqual({
        currency: 'USD',
        granted: '115.00',
        consumed: '15.50',
        expired: '0.00',
        available: '99.50',
      });
    });

    it("refuses another customer's lot and spending more than a lot holds, recording nothing", async () => {
      const invoiceId = await insertInvoice('2026-04-01T00:00:00Z');
      const other = await createCustomer(t, { currency: 'USD' });
      const othersLot = (await topUp(other.externalId, { amount: '5.00' })).body.id as string;
      await expect(
        ledgerRepository.recordConsumptions(db, [
          {
            invoiceId,
            customerId: id,
            consumptions: [
              { lotId: lotIds.neverExpiring, amount: new Decimal('1.00') },
              { lotId: othersLot, amount: new Decimal('1.00') },
            ],
          },
        ]),
      ).rejects.toThrow(/not customer/);
      await expect(
        ledgerRepository.recordConsumptions(db, [
          {
            invoiceId,
            customerId: id,
            consumptions: [{ lotId: lotIds.expiringJune, amount: new Decimal('30.01') }],
          },
        ]),
      ).rejects.toMatchObject({ code: '23514' });

      const remaining = new Map(await available());
      expect(remaining.get(lotIds.neverExpiring)).toBe('50');
      expect(remaining.get(lotIds.expiringJune)).toBe('30');
      const [{ count }]: Array<{ count: number }> = await db.query(
        'SELECT count(*) FROM credit_consumptions WHERE invoice_id = $1',
        [invoiceId],
      );
      expect(count).toBe(0);
    });
    it('makes a second finalization wait for the first and see what it left', async () => {
      const firstInvoice = await insertInvoice('2026-05-01T00:00:00Z');
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let spent!: () => void;
      const firstHasSpent = new Promise<void>((resolve) => (spent = resolve));
      const first = db.transaction(async (tx) => {
        await ledgerRepository.availableLots(tx, id, 'EUR', { forUpdate: true });
        await ledgerRepository.recordConsumptions(tx, [
          {
            invoiceId: firstInvoice,
            customerId: id,
            consumptions: [{ lotId: lotIds.euro, amount: new Decimal('60.00') }],
          },
        ]);
        spent();
        await released;
      });
      await firstHasSpent;
      let secondRead = false;
      const second = db.transaction(async (tx) => {
        const lots = await ledgerRepository.availableLots(tx, id, 'EUR', { forUpdate: true });
        secondRead = true;
        return lots;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(secondRead).toBe(false);
      release();
      await first;
      const seen = await second;
      expect(seen.map((lot) => lot.remaining.toFixed())).toEqual(['40']); // 100.00 − 60.00
    });

    it("shows each consumption with its invoice's number once the invoice has one", async () => {
      const invoiceId = await insertInvoice('2026-06-01T00:00:00Z');
      const number = `LEDGER-${invoiceId}`;
      await db.query("UPDATE invoices SET status = 'finalized', number = $2 WHERE id = $1", [
        invoiceId,
        number,
      ]);
      await ledgerRepository.recordConsumptions(db, [
        {
          invoiceId,
          customerId: id,
          consumptions: [{ lotId: lotIds.neverExpiring, amount: new Decimal('1.00') }],
        },
      ]);
      const lot = (await ledger(externalId)).lots.find((l) => l.id === lotIds.neverExpiring)!;
      expect(lot.consumptions).toEqual([
        { invoiceId, invoiceNumber: number, amount: '1.00', createdAt: expect.any(String) },
      ]);
    });
  });

  describe('the scheduled job', () => {
    it('issues due grants under its lock when the scheduler is enabled', async () => {
      const priced = await planWithGrants();
      const customer = await createCustomer(t);
      await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      const replica = await startTestApp({
        now: NOW,
        databaseUrl: t.databaseUrl,
        env: { SCHEDULER_ENABLED: 'true' },
      });
      try {
        const job = replica.app.get(CreditGrantsJob);
        await Promise.all([job.run(), job.run()]);
      } finally {
        await replica.close();
      }
      expect((await ledger(customer.externalId)).lots.map((lot) => lot.name)).toEqual([
        'Monthly credit',
        'Rollover credit',
      ]);
    });
  });
});

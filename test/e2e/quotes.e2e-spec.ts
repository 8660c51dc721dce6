import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createApiKey,
  createBillableItem,
  createMeter,
  createPlan,
  licensedItemBody,
  meteredItemBody,
  publishPlanVersion,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const volume150 = {
  rate: {
    model: 'volume',
    tiers: [
      { upTo: '100', unitAmount: '1' },
      { upTo: null, unitAmount: '0.8' },
    ],
  },
  quantity: '150',
};
const percentageOnTwoEvents = {
  rate: { model: 'percentage', rate: '2.5', fixedAmount: '0.1' },
  events: ['120.00', '35.50'],
};

interface Line {
  kind: string;
  billableItem: string | null;
  description: string;
  quantity: string | null;
  amount: string;
  exactAmount: string;
}

describe('POST /v1/quotes', () => {
  let t: TestApp;
  const quote = (body: object) => t.admin.post('/v1/quotes', body);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
  });
  afterAll(() => t.close());

  describe('explicit rates', () => {
    it('prices the contract example: each amount rounded to cents, the total of the rounded amounts', async () => {
      const response = await quote({ currency: 'USD', items: [volume150, percentageOnTwoEvents] });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        currency: 'USD',
        items: [
          {
            // 100 < 150, so all 150 units are priced at tier 2: 150 × 0.8
            amount: '120.00',
            exactAmount: '120',
            breakdown: [
              {
                description: 'tier 2 (over 100)',
                quantity: '150',
                unitAmount: '0.8',
                flatAmount: '0',
                amount: '120',
              },
            ],
          },
          {
            // 2.5 % of 120.00 + 0.10 and of 35.50 + 0.10: 3.00 + 0.10 + 0.8875 + 0.10 = 4.0875
            amount: '4.09',
            exactAmount: '4.0875',
            breakdown: [
              {
                description: '2.5% of 155.5 of value',
                quantity: '155.5',
                unitAmount: '0.025',
                amount: '3.8875',
              },
              {
                description: 'fixed fee per paid event',
                quantity: '2',
                unitAmount: '0.1',
                amount: '0.2',
              },
            ],
          },
        ],
        total: '124.09', // 120.00 + 4.09
      });
    });

    it('prices every model, quantities sent as JSON numbers too', async () => {
      const response = await quote({
        currency: 'USD',
        items: [
          { rate: { model: 'per_unit', unitAmount: '0.002' }, quantity: 1234.5 },
          {
            rate: { model: 'package', packageSize: '100', packageAmount: '5.00' },
            quantity: '1050',
          },
          {
            rate: { model: 'package', packageSize: 100, packageAmount: '5.00', rounding: 'down' },
            quantity: '1050',
          },
          {
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '100', unitAmount: '0', flatAmount: '10.00' },
                { upTo: null, unitAmount: '0.5', flatAmount: '2.00' },
              ],
            },
            quantity: '150',
          },
          {
            rate: {
              model: 'volume',
              tiers: [
                { upTo: '100', unitAmount: '1', flatAmount: '5.00' },
                { upTo: null, unitAmount: '0.8' },
              ],
            },
            quantity: '100',
          },
          {
            rate: {
              model: 'percentage',
              rate: '2.9',
              fixedAmount: '0.30',
              freeEvents: 1,
              minPerEvent: '0.50',
              maxPerEvent: '2.00',
            },
            events: ['10.00', '10.00', '1000.00'],
          },
        ],
      });
      expect(response.status).toBe(200);
      const items = response.body.items as Array<{ amount: string; exactAmount: string }>;
      expect(items.map((item) => [item.exactAmount, item.amount])).toEqual([
        ['2.469', '2.47'], // 1234.5 × 0.002
        ['55', '55.00'], // 1050 / 100 → 11 packages (a partial one counts) × 5.00
        ['50', '50.00'], // 10 whole packages × 5.00
        ['37', '37.00'], // tier 1: 100 × 0 + 10.00; tier 2: 50 × 0.5 + 2.00
        ['105', '105.00'], // exactly on upTo: all 100 at tier 1, 100 × 1 + 5.00
        // first event free; 0.29 + 0.30 = 0.59; 29.00 + 0.30 = 29.30 capped at 2.00
        ['2.59', '2.59'],
      ]);
      expect(response.body.total).toBe('252.06'); // 2.47 + 55 + 50 + 37 + 105 + 2.59
    });

    it("rounds to the currency's minor unit: none for JPY, three for KWD", async () => {
      const jpy = await quote({
        currency: 'JPY',
        items: [
          { rate: { model: 'per_unit', unitAmount: '0.5' }, quantity: '3' },
          { rate: { model: 'percentage', rate: '2.5' }, events: ['99'] },
        ],
      });
      expect(jpy.status).toBe(200);
      // 1.5 → 2 and 2.475 → 2 yen, half-up
      expect(jpy.body.items.map((item: { amount: string }) => item.amount)).toEqual(['2', '2']);
      expect(jpy.body.total).toBe('4');
      const kwd = await quote({
        currency: 'KWD',
        items: [{ rate: { model: 'per_unit', unitAmount: '33.3335' }, quantity: '3' }],
      });
      // 3 × 33.3335 = 100.0005 → 100.001
      expect(kwd.body.items[0]).toMatchObject({ amount: '100.001', exactAmount: '100.0005' });
      expect(kwd.body.total).toBe('100.001');
    });

    it('names the field of every problem', async () => {
      const response = await quote({
        currency: 'USD',
        items: [
          { ...volume150, quantity: '-150' },
          {
            rate: {
              model: 'graduated',
              tiers: [{ upTo: '10' }, { upTo: '5' }, { upTo: null }],
            },
            quantity: '1',
          },
        ],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.details).toEqual([
        { field: 'items[0].quantity', problem: 'must not be negative' },
        {
          field: 'items[1].rate.tiers[1].upTo',
          problem: "must be greater than the previous tier's upTo",
        },
      ]);
    });

    it('refuses usage of the wrong kind for the model, naming the field', async () => {
      const cases: Array<[object, { field: string; problem: string }]> = [
        [
          { rate: volume150.rate, events: ['150'] },
          {
            field: 'items[0].events',
            problem: 'must not be given: a volume rate is priced from a quantity',
          },
        ],
        [
          { rate: percentageOnTwoEvents.rate, quantity: '2' },
          {
            field: 'items[0].quantity',
            problem:
              'must not be given: a percentage rate is priced from events (the value of each event)',
          },
        ],
        [
          { rate: volume150.rate },
          {
            field: 'items[0].quantity',
            problem: 'is required: a volume rate is priced from a quantity',
          },
        ],
      ];
      for (const [item, detail] of cases) {
        const response = await quote({ currency: 'USD', items: [item] });
        expect(response.status).toBe(400);
        expect(response.body.error.details).toEqual([detail]);
      }
    });

    it('refuses a bad currency, an unknown model and an empty list', async () => {
      const response = await quote({
        currency: 'dollars',
        items: [{ rate: { model: 'flat', amount: '1' }, quantity: '1' }],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { field: string }) => d.field)).toEqual([
        'currency',
        'items[0].rate.model',
      ]);
      const empty = await quote({ currency: 'USD', items: [] });
      expect(empty.body.error.details).toEqual([
        { field: 'items', problem: 'must have at least one item' },
      ]);
    });

    it('answers read keys, as a calculator that changes nothing; not ingest keys or anonymous callers', async () => {
      const body = { currency: 'USD', items: [volume150] };
      const as = (key: string) =>
        request(t.app.getHttpServer())
          .post('/v1/quotes')
          .set('Authorization', `Bearer ${key}`)
          .send(body);
      expect((await as(await createApiKey(t, 'read'))).status).toBe(200);
      expect((await as(await createApiKey(t, 'ingest'))).status).toBe(403);
      expect((await t.http().post('/v1/quotes').send(body)).status).toBe(401);
    });
  });

  describe('a plan for a usage profile', () => {
    let plan: string;
    let llm: string;
    let gpt4o: string;
    let claude: string;
    let payments: string;
    let paymentFees: string;
    let platformFee: string;
    let seats: string;

    beforeAll(async () => {
      llm = (await createMeter(t, { dimensions: ['model'] })).key;
      payments = (await createMeter(t, { dimensions: [] })).key;
      gpt4o = (
        await createBillableItem(
          t,
          meteredItemBody(llm, { name: 'GPT-4o tokens', filter: { model: 'gpt-4o' } }),
        )
      ).key;
      claude = (
        await createBillableItem(
          t,
          meteredItemBody(llm, { name: 'Claude tokens', filter: { model: 'claude' } }),
        )
      ).key;
      paymentFees = (
        await createBillableItem(t, meteredItemBody(payments, { name: 'Payment fees' }))
      ).key;
      platformFee = (await createBillableItem(t, licensedItemBody({ name: 'Platform fee' }))).key;
      seats = (await createBillableItem(t, licensedItemBody({ name: 'Seats' }))).key;
      plan = (await createPlan(t, { currency: 'USD' })).key;
      await publishPlanVersion(t, plan, {
        serviceInterval: { unit: 'month', count: 1 },
        rates: [
          {
            billableItem: gpt4o,
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '1000000', unitAmount: '0' },
                { upTo: '2000000', unitAmount: '0.000002', flatAmount: '1.00' },
                { upTo: null, unitAmount: '0.0000015' },
              ],
            },
          },
          { billableItem: claude, rate: { model: 'per_unit', unitAmount: '0.000003' } },
          {
            billableItem: paymentFees,
            rate: { model: 'percentage', rate: '2.9', fixedAmount: '0.30' },
          },
        ],
        licenceFees: [
          { billableItem: platformFee, unitAmount: '49.00' },
          { billableItem: seats, unitAmount: '12.50' },
        ],
        creditGrants: [
          {
            name: 'Monthly token credit',
            amount: '4.00',
            appliesTo: [gpt4o, claude],
            expiresAfterIntervals: 1,
          },
        ],
        limits: [{ meter: llm, quantity: '1000000' }],
      });
      // Version 2 doubles the platform fee and is not live: quotes use version 1 unless told.
      await publishPlanVersion(t, plan, {
        live: false,
        serviceInterval: { unit: 'week', count: 1 },
        rates: [{ billableItem: gpt4o, rate: { model: 'per_unit', unitAmount: '0.000001' } }],
        licenceFees: [{ billableItem: platformFee, unitAmount: '98.00' }],
      });
    });

    it('prices one service interval of the live version: usage, licence fees, credit grant', async () => {
      const response = await quote({
        plan,
        usage: { [llm]: '2500000', [claude]: 400001, [payments]: ['100.00', '50.00'] },
        licenceQuantities: { [seats]: '3' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        currency: 'USD',
        plan,
        version: 1,
        serviceInterval: { unit: 'month', count: 1 },
        subtotal: '96.40', // 49.00 + 37.50 + 3.75 + 1.20 + 4.95
        creditsApplied: '-4.00',
        total: '92.40',
      });
      const lines = response.body.lines as Line[];
      expect(
        lines.map((l) => [
          l.kind,
          l.billableItem,
          l.description,
          l.quantity,
          l.exactAmount,
          l.amount,
        ]),
      ).toEqual([
        ['licence_fee', platformFee, 'Platform fee', '1', '49', '49.00'], // quantity 1 when not given
        ['licence_fee', seats, 'Seats', '3', '37.5', '37.50'], // 3 × 12.50
        // the meter's 2 500 000 tokens: 1M × 0 + (1M × 0.000002 + 1.00) + 0.5M × 0.0000015
        ['usage', gpt4o, 'GPT-4o tokens', '2500000', '3.75', '3.75'],
        // its own key wins over the meter's: 400 001 × 0.000003
        ['usage', claude, 'Claude tokens', '400001', '1.200003', '1.20'],
        // 2.9 % × 150.00 + 2 × 0.30; the line shows the events' total value
        ['usage', paymentFees, 'Payment fees', '150', '4.95', '4.95'],
        // 4.00 of credit on tokens: 3.75 on GPT-4o, 0.25 on Claude; none on payments
        ['credit', null, 'Monthly token credit', null, '-4', '-4.00'],
      ]);
      expect(response.body.lines[2].breakdown).toEqual([
        {
          description: 'tier 1 (0 to 1000000)',
          quantity: '1000000',
          unitAmount: '0',
          flatAmount: '0',
          amount: '0',
        },
        {
          description: 'tier 2 (over 1000000 to 2000000)',
          quantity: '1000000',
          unitAmount: '0.000002',
          flatAmount: '1',
          amount: '3',
        },
        {
          description: 'tier 3 (over 2000000)',
          quantity: '500000',
          unitAmount: '0.0000015',
          flatAmount: '0',
          amount: '0.75',
        },
      ]);
    });

    it('prices a version named in the request, and zero usage where the profile says nothing', async () => {
      const response = await quote({ plan, version: 2 });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        version: 2,
        serviceInterval: { unit: 'week', count: 1 },
      });
      expect(
        (response.body.lines as Line[]).map((l) => [l.billableItem, l.quantity, l.amount]),
      ).toEqual([
        [platformFee, '1', '98.00'],
        [gpt4o, '0', '0.00'],
      ]);
      expect(response.body).toMatchObject({
        subtotal: '98.00',
        creditsApplied: '0.00',
        total: '98.00',
      });
    });

    it('refuses unknown plans, versions, usage keys and licence fees, naming the field', async () => {
      const cases: Array<[object, { field: string; problem: string }]> = [
        [{ plan: 'no_such_plan' }, { field: 'plan', problem: "no plan with key 'no_such_plan'" }],
        [
          { plan, version: 7 },
          { field: 'version', problem: `plan '${plan}' has no version 7` },
        ],
        [
          { plan, usage: { gpu_minutes: '10' } },
          {
            field: 'usage.gpu_minutes',
            problem: `is neither a meter nor a billable item this plan version prices (it prices: ${[claude, gpt4o, llm, paymentFees, payments].sort().join(', ')})`,
          },
        ],
        [
          { plan, usage: { [payments]: '150' } },
          {
            field: `usage.${payments}`,
            problem: `is a quantity, but billable item '${paymentFees}' has a percentage rate: give the value of each event as a list`,
          },
        ],
        [
          { plan, licenceQuantities: { [gpt4o]: '2' } },
          {
            field: `licenceQuantities.${gpt4o}`,
            problem: `is not a licence fee of plan '${plan}' version 1 (it has: ${platformFee}, ${seats})`,
          },
        ],
        [
          { plan, currency: 'USD' },
          { field: 'currency', problem: 'is not a known field' },
        ],
      ];
      for (const [body, detail] of cases) {
        const response = await quote(body);
        expect(response.status).toBe(400);
        expect(response.body.error.details).toEqual([detail]);
      }
    });

    it('asks for a version when the plan has none live', async () => {
      const draft = (await createPlan(t)).key;
      await publishPlanVersion(t, draft, { live: false });
      const response = await quote({ plan: draft });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'version', problem: `plan '${draft}' has no live version: name a version` },
      ]);
    });

    it('changes nothing: every table keeps its rows', async () => {
      const before = await rowCounts(t);
      await quote({ plan, usage: { [llm]: '2500000' } }).expect(200);
      await quote({ currency: 'USD', items: [volume150, percentageOnTwoEvents] }).expect(200);
      await quote({ plan: uniqueKey('missing') }).expect(400);
      expect(await rowCounts(t)).toEqual(before);
    });
  });
});

/** Row count of every table of the schema, by table name. */
async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.app.get(DataSource);
  const tables: Array<{ name: string }> = await db.query(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [{ count }]: Array<{ count: string }> = await db.query(
      `SELECT count(*) AS count FROM ${name}`,
    );
    counts[name] = Number(count);
  }
  return counts;
}

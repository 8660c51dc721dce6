import { Decimal } from '../../src/common/decimal';
import { UsagePropertyName } from '../../src/crm/crm-provider';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { createCustomer, uniqueKey } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, CrmTarget, startCrmHarness } from './crm-harness';

const TARGETS: CrmTarget[] = ['hubspot', 'salesforce', 'hubspot without custom objects'];

/**
 * Monthly revenue (USD) of three customers. As of April: cohort 2026-01 is
 * alpha and beta (starting 300, current 150 + 0 → NRR 50.00, GRR
 * (min(150,100) + min(0,200)) / 300 = 33.33, 1 logo), cohort 2026-03 is gamma
 * (50 → 40: NRR = GRR = 80.00). In May gamma grows to 80 (NRR 160.00, GRR
 * capped at 100.00) and beta, churned in April, is left alone.
 */
const REVENUE: Record<'alpha' | 'beta' | 'gamma', Record<string, string>> = {
  alpha: {
    '2026-01': '100',
    '2026-02': '120',
    '2026-03': '130',
    '2026-04': '150',
    '2026-05': '150',
  },
  beta: { '2026-01': '200', '2026-02': '200', '2026-03': '100' },
  gamma: { '2026-03': '50', '2026-04': '40', '2026-05': '80' },
};

describe.each(TARGETS)('cohort sync with %s', (target) => {
  let crm: CrmHarness;
  let t: TestApp;
  let worker: OutboxWorker;
  const accounts: Record<string, string> = {};
  let setupSkipped: string[];

  beforeAll(async () => {
    crm = await startCrmHarness(target);
    t = await startTestApp({ env: crm.env, now: '2026-06-10T12:00:00Z' });
    worker = t.app.get(OutboxWorker);
    setupSkipped = (await t.app.get(CrmSetupService).setup()).skipped;
    const rows = [];
    for (const [name, months] of Object.entries(REVENUE)) {
      const externalId = uniqueKey(`cohort_${name}`);
      const domain = `${externalId.replace(/_/g, '-')}.example`;
      accounts[name] = crm.addAccount({ externalId, domain });
      await createCustomer(t, { externalId, crm: { domain } });
      for (const [month, amount] of Object.entries(months))
        rows.push({ customerExternalId: externalId, month, amount, currency: 'USD' });
    }
    await t.admin.post('/v1/revenue/import', { rows }).expect(200);
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  const sync = async (month: string) =>
    (await t.admin.post('/v1/crm/cohort-sync', { month }).expect(200)).body;
  const figure = (account: string, name: UsagePropertyName) => {
    const value = crm.accountProperty(account, name);
    return value === null ? null : new Decimal(value).toFixed(2);
  };
  /** The snapshots the CRM should hold: none on a portal without custom objects. */
  const held = <T>(snapshots: T[]): T[] => (crm.holdsCohorts ? snapshots : []);
  const snapshots = (month: string) =>
    crm
      .cohortSnapshots()
      .filter((s) => s.asOfMonth === month)
      .sort((a, b) => a.key.localeCompare(b.key));

  it('sets up the cohort object, or reports it skipped where the portal has no custom objects', () => {
    expect(setupSkipped).toEqual(
      crm.holdsCohorts ? [] : [expect.stringMatching(/usage_cohort_snapshot: .*Enterprise/)],
    );
  });

  it('pushes one snapshot per cohort, and each customer its own NRR and expansion', async () => {
    expect(await sync('2026-04')).toEqual({ month: '2026-04', snapshots: 2, customerUpdates: 3 });
    // Without custom objects the snapshots are dropped with a warning, not dead-lettered.
    expect(await worker.drain()).toMatchObject({ sent: 5, dead: 0 });
    expect(snapshots('2026-04')).toEqual(
      held([
        {
          key: '2026-01@2026-04',
          cohortMonth: '2026-01',
          asOfMonth: '2026-04',
          customers: 2,
          startingMrr: '300.00',
          currentMrr: '150.00',
          nrr: '50.00',
          grr: '33.33',
          logosRetained: 1,
        },
        {
          key: '2026-03@2026-04',
          cohortMonth: '2026-03',
          asOfMonth: '2026-04',
          customers: 1,
          startingMrr: '50.00',
          currentMrr: '40.00',
          nrr: '80.00',
          grr: '80.00',
          logosRetained: 1,
        },
      ]),
    );
    expect(figure(accounts.alpha, 'customerNrr')).toBe('150.00');
    expect(figure(accounts.alpha, 'expansionMrr')).toBe('50.00');
    expect(figure(accounts.beta, 'customerNrr')).toBe('0.00');
    expect(figure(accounts.gamma, 'expansionMrr')).toBe('0.00');
  });

  it('sends nothing new when the month is synced again', async () => {
    const before = crm.cohortSnapshots();
    expect(await sync('2026-04')).toEqual({ month: '2026-04', snapshots: 0, customerUpdates: 0 });
    expect(await worker.drain()).toMatchObject({ sent: 0, dead: 0 });
    expect(crm.cohortSnapshots()).toEqual(before);
  });

  it('adds the next month under its own keys', async () => {
    expect(await sync('2026-05')).toEqual({ month: '2026-05', snapshots: 2, customerUpdates: 2 });
    expect(await worker.drain()).toMatchObject({ sent: 4, dead: 0 });
    expect(crm.cohortSnapshots()).toHaveLength(crm.holdsCohorts ? 4 : 0);
    expect(snapshots('2026-05')).toMatchObject(
      held([
        {
          key: '2026-01@2026-05',
          currentMrr: '150.00',
          nrr: '50.00',
          grr: '33.33',
          logosRetained: 1,
        },
        {
          key: '2026-03@2026-05',
          currentMrr: '80.00',
          nrr: '160.00',
          grr: '100.00',
          logosRetained: 1,
        },
      ]),
    );
    expect(figure(accounts.gamma, 'customerNrr')).toBe('160.00');
    expect(figure(accounts.gamma, 'expansionMrr')).toBe('30.00');
  });

  it('refuses a month that has not ended', async () => {
    const response = await t.admin.post('/v1/crm/cohort-sync', { month: '2026-06' }).expect(400);
    expect(response.body.error.details[0]).toMatchObject({ field: 'month' });
  });
});

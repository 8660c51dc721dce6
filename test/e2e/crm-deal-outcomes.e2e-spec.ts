/**
 * Outcome read-back paging where modification times tie: many deals changed
 * in one HubSpot millisecond, and a Salesforce opportunity changed inside the
 * second the read is paging through by Id.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CrmProvider } from '../../src/crm/crm-provider';
import { CRM_PROVIDER } from '../../src/crm/crm-provider.token';
import { DealOutcomesReader } from '../../src/crm/deal-outcomes-reader.service';
import { DealOutcomesRepository } from '../../src/deal-outcomes/deal-outcomes.repository';
import { startHubSpotEmulator } from '../emulators/hubspot';
import { startSalesforceEmulator } from '../emulators/salesforce';
import { startTestApp, TestApp } from '../support/test-app';

const dealKey = () => `${randomUUID()}:usage_limit`;

async function storedOutcome(t: TestApp, crmId: string): Promise<string | undefined> {
  const rows: Array<{ outcome: string }> = await t.app
    .get(DataSource)
    .query('SELECT outcome FROM crm_deal_outcomes WHERE crm_id = $1', [crmId]);
  return rows[0]?.outcome;
}

describe('deal outcome read-back with HubSpot: 450 deals modified in the same millisecond', () => {
  it('reads every one of them once, and stops', async () => {
    const hs = await startHubSpotEmulator();
    const t = await startTestApp({
      env: {
        CRM_PROVIDER: 'hubspot',
        HUBSPOT_BASE_URL: hs.url,
        HUBSPOT_ACCESS_TOKEN: hs.accessToken,
      },
    });
    try {
      const ids = Array.from({ length: 450 }, (_, n) =>
        hs.addDeal({ usage_external_key: dealKey(), dealname: `Deal ${n}`, amount: '1200' }),
      );
      // One workflow run touched them all: the search API orders them in no documented way.
      hs.setModified('deals', ids, '2026-11-02T10:00:00.123Z');
      const reader = t.app.get(DealOutcomesReader);
      const before = hs.requests.length;
      expect(await reader.readBack()).toBe(450);
      // Three pages of the instant by id, each found by one search by date, and the empty end.
      expect(hs.requests.length - before).toBeLessThanOrEqual(8);
      const rows: Array<{ n: string }> = await t.app
        .get(DataSource)
        .query(`SELECT count(*) AS n FROM crm_deal_outcomes WHERE provider = 'hubspot'`);
      expect(Number(rows[0].n)).toBe(450);
      expect(await reader.readBack()).toBe(0);
    } finally {
      await t.close();
      await hs.close();
    }
  });
});

describe('deal outcome read-back with Salesforce: a change inside the second being paged', () => {
  it('reads an opportunity moved during the run into the second it pages by Id, though its Id sorts first', async () => {
    const sf = await startSalesforceEmulator();
    const t = await startTestApp({
      env: {
        CRM_PROVIDER: 'salesforce',
        SALESFORCE_INSTANCE_URL: sf.url,
        SALESFORCE_ACCESS_TOKEN: sf.accessToken,
      },
    });
    const opportunity = (n: number) =>
      sf.insert('Opportunity', {
        Usage_External_Key__c: dealKey(),
        Name: `Deal ${n}`,
        StageName: 'Prospecting',
        CloseDate: '2026-12-31',
        Amount: 1200,
      });
    try {
      // An older deal, and a mass update that changed a full page (200) in one second,
      // read by an earlier run: the stored cursor is in that second.
      const older = opportunity(0);
      sf.setSystemModstamp('Opportunity', [older], '2026-11-02T09:00:00Z');
      const second = Array.from({ length: 200 }, (_, n) => opportunity(n + 1));
      sf.setSystemModstamp('Opportunity', second, '2026-11-02T10:00:00Z');
      const repository = t.app.get(DealOutcomesRepository);
      const provider = t.app.get<CrmProvider>(CRM_PROVIDER);
      expect(await new DealOutcomesReader(provider, repository).readBack()).toBe(201);
      expect(await storedOutcome(t, older)).toBe('open');

      const next = Array.from({ length: 10 }, (_, n) => opportunity(n + 201));
      sf.setSystemModstamp('Opportunity', next, '2026-11-02T10:00:01Z');
      // The next run pages through that second again by Id; meanwhile, in that very second,
      // sales closes the older deal, whose Id sorts before all of them.
      let pages = 0;
      const interleaved: CrmProvider = Object.assign(Object.create(provider) as CrmProvider, {
        readDealOutcomes: async (...args: Parameters<CrmProvider['readDealOutcomes']>) => {
          const page = await provider.readDealOutcomes(...args);
          if (++pages === 1) {
            sf.setOpportunityStage(older, 'Closed Won');
            sf.setSystemModstamp('Opportunity', [older], '2026-11-02T10:00:00Z');
          }
          return page;
        },
      });
      expect(await new DealOutcomesReader(interleaved, repository).readBack()).toBe(11);
      expect(await storedOutcome(t, older)).toBe('won');
      expect(await new DealOutcomesReader(provider, repository).readBack()).toBe(0);
    } finally {
      await t.close();
      await sf.close();
    }
  });
});

/**
 * The Salesforce adapter through the real jsforce client, over HTTP, against
 * the Salesforce emulator.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  CrmInvoice,
  CrmPermanentError,
  CrmRateLimitedError,
  CrmTransientError,
  CustomerIdentity,
  ExpansionOpportunity,
  UpsellTask,
} from '../../src/crm/crm-provider';
import { SalesforceCrmProvider } from '../../src/crm/salesforce/salesforce-crm.provider';
import { SalesforceOptions } from '../../src/crm/salesforce/salesforce-options';
import { CUSTOM_FIELDS_METADATA } from '../../src/crm/salesforce/salesforce-schema';
import { SalesforceEmulator, startSalesforceEmulator } from '../emulators/salesforce';

const OWNER = '005000000000042AAA';

function customer(n: number, overrides: Partial<CustomerIdentity> = {}): CustomerIdentity {
  return {
    customerId: `cus-${n}`,
    externalId: `ext-${n}`,
    name: `Customer ${n}`,
    domain: null,
    crmAccountId: null,
    ...overrides,
  };
}

describe('SalesforceCrmProvider against the emulator', () => {
  let sf: SalesforceEmulator;

  const provider = (overrides: Partial<SalesforceOptions> = {}) =>
    new SalesforceCrmProvider({
      instanceUrl: sf.url,
      accessToken: sf.accessToken,
      apiVersion: '62.0',
      createMissingAccounts: true,
      opportunityStage: 'Prospecting',
      requestTimeoutMs: 1_000,
      ...overrides,
    });

  beforeEach(async () => {
    sf = await startSalesforceEmulator();
  });
  afterEach(() => sf.close());

  describe('resolveAccounts', () => {
    it('matches by stored id, then by external id, then creates the rest once', async () => {
      const byId = sf.insert('Account', { Name: 'Stored', OwnerId: OWNER });
      const byExternalId = sf.insert('Account', {
        Name: 'Ext',
        Usage_External_Id__c: 'ext-2',
        OwnerId: OWNER,
      });
      const crm = provider();
      const customers = [
        customer(1, { crmAccountId: byId }),
        customer(2),
        customer(3, { domain: 'three.example' }),
      ];

      const first = await crm.resolveAccounts(customers);
      expect(first.get('cus-1')).toEqual({ id: byId, ownerId: OWNER, created: false });
      expect(first.get('cus-2')).toEqual({ id: byExternalId, ownerId: OWNER, created: false });
      const created = first.get('cus-3');
      expect(created).toMatchObject({ created: true, ownerId: '005000000000001AAA' });
      expect(sf.records('Account').find((a) => a.Id === created?.id)).toMatchObject({
        Name: 'Customer 3',
        Usage_External_Id__c: 'ext-3',
        Website: 'three.example',
      });

      const second = await crm.resolveAccounts([customer(3)]);
      expect(second.get('cus-3')).toEqual({
        id: created?.id,
        ownerId: '005000000000001AAA',
        created: false,
      });
      expect(sf.records('Account')).toHaveLength(3);
    });

    it('answers null for unknown customers when creating is off', async () => {
      const result = await provider({ createMissingAccounts: false }).resolveAccounts([
        customer(9),
      ]);
      expect(result.get('cus-9')).toBeNull();
      expect(sf.records('Account')).toHaveLength(0);
    });
  });

  it('updates 450 accounts in 3 collection calls (200 + 200 + 50)', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => sf.insert('Account', { Name: `A${i}` }));
    const failures = await provider().updateAccountProperties(
      ids.map((accountId) => ({
        accountId,
        properties: {
          currentUsage: '8200',
          percentOfLimit: '82.5',
          projectedBill: '1234.56',
          lastAlert: 'usage_80',
        },
      })),
    );

    expect(failures).toEqual([]);
    const calls = sf.requests.filter(
      (r) => r.method === 'PATCH' && r.path.endsWith('/composite/sobjects'),
    );
    expect(calls.map((c) => c.recordCount)).toEqual([200, 200, 50]);
    expect(sf.records('Account')[449]).toMatchObject({
      Usage_Current__c: 8200,
      Usage_Percent_Of_Limit__c: 82.5,
      Projected_Bill__c: 1234.56,
      Last_Alert__c: 'usage_80',
    });
  });

  it('upserts a task and an opportunity twice into one record each', async () => {
    const accountId = sf.insert('Account', { Name: 'Acme', OwnerId: OWNER });
    const crm = provider();
    const task: UpsellTask = {
      externalKey: 'alert-1',
      accountId,
      ownerId: OWNER,
      subject: 'Acme is at 82 % of its token limit',
      body: 'Usage 8 200 / 10 000',
      dueAt: new Date('2026-03-02T10:00:00Z'),
    };
    const opportunity: ExpansionOpportunity = {
      externalKey: 'cus-1:usage_limit',
      accountId,
      ownerId: OWNER,
      name: 'Acme: upgrade to Scale',
      amount: '12000.00',
      currency: 'USD',
      closeDate: new Date('2026-03-31T00:00:00Z'),
      description: 'Projected overage',
    };

    expect(await crm.upsertTasks([task])).toEqual([]);
    expect(await crm.upsertTasks([{ ...task, body: 'Usage 9 000 / 10 000' }])).toEqual([]);
    expect(await crm.upsertOpportunities([opportunity])).toEqual([]);
    sf.records('Opportunity')[0].StageName = 'Negotiation'; // sales moved it on
    expect(await crm.upsertOpportunities([{ ...opportunity, amount: '18000.00' }])).toEqual([]);

    expect(sf.records('Task')).toEqual([
      expect.objectContaining({
        WhatId: accountId,
        OwnerId: OWNER,
        Description: 'Usage 9 000 / 10 000',
        ActivityDate: '2026-03-02',
      }),
    ]);
    expect(sf.records('Opportunity')).toEqual([
      expect.objectContaining({
        AccountId: accountId,
        OwnerId: OWNER,
        Type: 'Existing Customer - Upgrade',
        StageName: 'Negotiation',
        CloseDate: '2026-03-31',
        Amount: 18000,
      }),
    ]);
  });

  it('upserts invoices by number', async () => {
    const accountId = sf.insert('Account', { Name: 'Acme' });
    const invoice: CrmInvoice = {
      number: 'INV-000123',
      accountId,
      status: 'finalized',
      currency: 'EUR',
      total: '58.80',
      periodStart: new Date('2026-02-01T00:00:00Z'),
      periodEnd: new Date('2026-03-01T00:00:00Z'),
      url: 'http://localhost:3000/v1/invoices/inv_1',
    };
    const crm = provider();
    await crm.upsertInvoices([invoice]);
    await crm.upsertInvoices([invoice]);

    expect(sf.records('Usage_Invoice__c')).toEqual([
      expect.objectContaining({
        Name: 'INV-000123',
        Account__c: accountId,
        Total__c: 58.8,
        Currency__c: 'EUR',
      }),
    ]);
  });

  describe('failures', () => {
    const update = (accountId: string) => [{ accountId, properties: { mrr: '100' } }];

    it('429 → CrmRateLimitedError with Retry-After', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      sf.setRateLimit({ requests: 0, windowMs: 10_000, retryAfterSeconds: 7 });
      const error: unknown = await provider()
        .updateAccountProperties(update(accountId))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CrmRateLimitedError);
      expect((error as CrmRateLimitedError).retryAfterMs).toBe(7_000);
    });

    it.each([500, 503] as const)(
      '%s → CrmTransientError, also on a GET jsforce would retry',
      async (status) => {
        sf.failNext(1, status);
        await expect(provider().resolveAccounts([customer(1)])).rejects.toBeInstanceOf(
          CrmTransientError,
        );
        expect(sf.requests).toHaveLength(1);
      },
    );

    it('a request that never answers → CrmTransientError after the timeout', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      sf.failNext(1, 'timeout');
      await expect(
        provider({ requestTimeoutMs: 200 }).updateAccountProperties(update(accountId)),
      ).rejects.toBeInstanceOf(CrmTransientError);
    });

    it('a lost response is transient and the retry creates nothing new', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      const invoice: CrmInvoice = {
        number: 'INV-1',
        accountId,
        status: 'finalized',
        currency: 'USD',
        total: '10.00',
        periodStart: new Date('2026-01-01T00:00:00Z'),
        periodEnd: new Date('2026-02-01T00:00:00Z'),
        url: 'http://localhost/i/1',
      };
      sf.failNext(1, 'lost');
      const crm = provider();
      await expect(crm.upsertInvoices([invoice])).rejects.toBeInstanceOf(CrmTransientError);
      expect(await crm.upsertInvoices([invoice])).toEqual([]);
      expect(sf.records('Usage_Invoice__c')).toHaveLength(1);
    });

    it('an unknown field (setup not run) → 400 INVALID_FIELD → CrmPermanentError', async () => {
      await sf.close();
      sf = await startSalesforceEmulator({ provisioned: false });
      const accountId = sf.insert('Account', { Name: 'Acme' });
      await expect(provider().updateAccountProperties(update(accountId))).rejects.toThrow(
        new CrmPermanentError(
          "Salesforce: INVALID_FIELD: No such column 'MRR__c' on sobject of type Account",
        ),
      );
    });

    it('per-record errors → RecordFailure, retriable only when the row was locked', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      const crm = provider();
      expect(
        await crm.updateAccountProperties([...update(accountId), ...update('001000000009999AAA')]),
      ).toEqual([
        {
          key: '001000000009999AAA',
          message: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
          retriable: false,
        },
      ]);
      sf.failNext(1, 'lock');
      expect(await crm.updateAccountProperties(update(accountId))).toEqual([
        { key: accountId, message: expect.stringContaining('UNABLE_TO_LOCK_ROW'), retriable: true },
      ]);
    });

    it('an expired session without credentials → CrmPermanentError', async () => {
      sf.expireSessions();
      await expect(provider().resolveAccounts([customer(1)])).rejects.toBeInstanceOf(
        CrmPermanentError,
      );
    });
  });

  describe('login', () => {
    it('logs in with client credentials and again once the session expires', async () => {
      const crm = provider({
        instanceUrl: undefined,
        accessToken: undefined,
        loginUrl: sf.url,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
      });
      await crm.resolveAccounts([customer(1)]);
      sf.expireSessions();
      await crm.resolveAccounts([customer(2)]);

      const tokenCalls = sf.requests.filter((r) => r.path === '/services/oauth2/token');
      expect(tokenCalls.map((r) => r.status)).toEqual([200, 200]);
      expect(sf.records('Account')).toHaveLength(2);
    });

    it('refuses wrong client credentials as permanent', async () => {
      const crm = provider({
        instanceUrl: undefined,
        accessToken: undefined,
        loginUrl: sf.url,
        clientId: 'x',
        clientSecret: 'y',
      });
      await expect(crm.resolveAccounts([customer(1)])).rejects.toBeInstanceOf(CrmPermanentError);
    });

    it('logs in with a JWT bearer assertion', async () => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await sf.close();
      sf = await startSalesforceEmulator({
        jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      });
      const crm = provider({
        instanceUrl: undefined,
        accessToken: undefined,
        loginUrl: sf.url,
        clientId: sf.clientId,
        username: 'integration@example.com',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      await expect(crm.resolveAccounts([customer(1)])).resolves.toBeInstanceOf(Map);
    });
  });

  describe('setup', () => {
    it('creates the custom object and fields, then finds them all existing', async () => {
      await sf.close();
      sf = await startSalesforceEmulator({ provisioned: false });
      const crm = provider();

      const first = await crm.setup();
      expect(first.existing).toEqual([]);
      expect(first.created).toContain('CustomObject Usage_Invoice__c');
      expect(first.created).toContain('CustomField Account.Usage_External_Id__c');
      expect(first.created).toContain('PermissionSet Usage_Billing_Sync');
      expect(first.created).toContain(
        `PermissionSetAssignment Usage_Billing_Sync ${sf.integrationUserId}`,
      );
      expect(first.created).toHaveLength(2 + 32 + 1 + 1);
      expect(sf.hasField('Usage_Invoice__c.Invoice_Number__c')).toBe(true);

      // Every custom field the sync writes is readable and editable, the objects usable.
      const permissionSet = sf.permissionSet('Usage_Billing_Sync');
      expect(permissionSet?.label).toBe('Usage billing sync');
      expect([...(permissionSet?.fieldPermissions.keys() ?? [])].sort()).toEqual(
        CUSTOM_FIELDS_METADATA.map((f) => f.fullName).sort(),
      );
      for (const access of permissionSet?.fieldPermissions.values() ?? [])
        expect(access).toEqual({ readable: true, editable: true });
      expect(Object.fromEntries(permissionSet?.objectPermissions ?? [])).toEqual({
        Usage_Invoice__c: { allowCreate: true, allowEdit: true, allowRead: true },
        Usage_Cohort_Snapshot__c: { allowCreate: true, allowEdit: true, allowRead: true },
      });
      expect(sf.records('PermissionSetAssignment')).toEqual([
        expect.objectContaining({ AssigneeId: sf.integrationUserId }),
      ]);

      const second = await crm.setup();
      expect(second.created).toEqual([]);
      expect(second.existing).toEqual(first.created);
      expect(sf.records('PermissionSetAssignment')).toHaveLength(1);
      // 1 call for both objects + 32 fields in calls of at most 10 + 1 for the
      // permission set = 6 SOAP calls a run; one assignment insert in all.
      expect(sf.requests.filter((r) => r.detail === 'upsertMetadata')).toHaveLength(12);
      expect(
        sf.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/composite/sobjects')),
      ).toHaveLength(1);
    });

    it('re-authenticates once when the SOAP session expired', async () => {
      const crm = provider({
        loginUrl: sf.url,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
      });
      sf.expireSessions();
      await expect(crm.setup()).resolves.toMatchObject({ created: [] });
      expect(sf.requests.filter((r) => r.path === '/services/oauth2/token')).toHaveLength(1);
    });
  });
});

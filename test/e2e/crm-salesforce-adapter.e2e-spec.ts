/**
 * The Salesforce adapter through the real jsforce client, over HTTP, against
 * the Salesforce emulator.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Connection } from 'jsforce';
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
      requestedByCustomer: false,
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
      requestedByCustomer: false,
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

  it('gives a customer’s request a High task and a marked opportunity; alerts a Normal task', async () => {
    const accountId = sf.insert('Account', { Name: 'Acme', OwnerId: OWNER });
    const crm = provider();
    const task: UpsellTask = {
      externalKey: 'request:r1',
      accountId,
      ownerId: OWNER,
      subject: 'Customer request: Acme asks for plan scale',
      body: 'Requested by the customer on their usage page',
      dueAt: new Date('2026-03-02T10:00:00Z'),
      requestedByCustomer: true,
    };
    const opportunity: ExpansionOpportunity = {
      externalKey: 'cus-1:customer_request:plan_change',
      accountId,
      ownerId: OWNER,
      name: 'Requested by customer: Acme asks for plan scale',
      amount: '1800.00',
      currency: 'USD',
      closeDate: new Date('2026-03-31T00:00:00Z'),
      description: 'Requested by the customer',
      requestedByCustomer: true,
    };
    expect(
      await crm.upsertTasks([
        task,
        { ...task, externalKey: 'alert:a1', requestedByCustomer: false },
      ]),
    ).toEqual([]);
    expect(await crm.upsertOpportunities([opportunity])).toEqual([]);

    const priorities = Object.fromEntries(
      sf.records('Task').map((t) => [t.Usage_External_Key__c, t.Priority]),
    );
    expect(priorities).toEqual({ 'request:r1': 'High', 'alert:a1': 'Normal' });
    expect(sf.records('Opportunity')).toEqual([
      expect.objectContaining({ Requested_By_Customer__c: true }),
    ]);
    // The emulator holds the org to its picklist and field types, as Salesforce does.
    expect(() => sf.insert('Task', { WhatId: accountId, Priority: 'Urgent' })).toThrow(
      /INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST/,
    );
    expect(() =>
      sf.insert('Opportunity', {
        Name: 'x',
        StageName: 'Prospecting',
        CloseDate: '2026-03-31',
        Requested_By_Customer__c: 'yes',
      }),
    ).toThrow(/INVALID_TYPE_ON_FIELD_IN_RECORD/);
  });

  it('upserts invoices by number', async () => {
    const accountId = sf.insert('Account', { Name: 'Acme' });
    const invoice: CrmInvoice = {
      number: 'INV-000123',
      documentType: 'invoice',
      creditedInvoiceNumber: null,
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

    it('403 REQUEST_LIMIT_EXCEEDED → CrmRateLimitedError, waiting longer each time in a row', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      sf.setRateLimit({ requests: 0, windowMs: 10_000 });
      const crm = provider();
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        const error: unknown = await crm
          .updateAccountProperties(update(accountId))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CrmRateLimitedError);
        waits.push((error as CrmRateLimitedError).retryAfterMs);
      }
      expect(waits).toEqual([60_000, 120_000, 240_000]);
      expect(sf.requests.map((r) => r.status)).toEqual([403, 403, 403]);
    });

    it('stops short of the daily allocation: the last 10 % is left to the org', async () => {
      const accountId = sf.insert('Account', { Name: 'Acme' });
      sf.setApiUsage(89_999, 100_000);
      const crm = provider();
      expect(await crm.updateAccountProperties(update(accountId))).toEqual([]);
      // Sforce-Limit-Info said 90 000 / 100 000: the next call is not even sent.
      await expect(crm.updateAccountProperties(update(accountId))).rejects.toBeInstanceOf(
        CrmRateLimitedError,
      );
      expect(sf.requests).toHaveLength(1);
    });

    it('sizes IN (…) lookups by their encoded length: 200 long ids never pass 16 384 bytes', async () => {
      const long = (n: number) => `customer-${'x'.repeat(70)}-${n}`;
      const customers = Array.from({ length: 200 }, (_, i) => customer(i, { externalId: long(i) }));
      const resolved = await provider().resolveAccounts(customers);
      expect([...resolved.values()].filter((a) => a?.created)).toHaveLength(200);
      const queries = sf.requests.filter((r) => r.path.endsWith('/query'));
      expect(queries.length).toBeGreaterThan(2);
      expect(sf.requests.every((r) => r.status !== 414)).toBe(true);
    });

    it('keeps "Acme" and "acme" apart: external ids are case-sensitive', async () => {
      const crm = provider();
      const first = await crm.resolveAccounts([customer(1, { externalId: 'Acme' })]);
      const second = await crm.resolveAccounts([customer(2, { externalId: 'acme' })]);
      expect(first.get('cus-1')?.id).not.toEqual(second.get('cus-2')?.id);
      expect(second.get('cus-2')?.created).toBe(true);
      const again = await crm.resolveAccounts([
        customer(1, { externalId: 'Acme' }),
        customer(2, { externalId: 'acme' }),
      ]);
      expect(again.get('cus-1')?.id).toBe(first.get('cus-1')?.id);
      expect(again.get('cus-2')?.id).toBe(second.get('cus-2')?.id);
      expect(sf.records('Account')).toHaveLength(2);
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
        documentType: 'invoice',
        creditedInvoiceNumber: null,
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

    it('client credentials are refused on the login host: they go to My Domain', async () => {
      const crm = provider({
        instanceUrl: undefined,
        accessToken: undefined,
        loginUrl: sf.loginHostUrl,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
      });
      await expect(crm.resolveAccounts([customer(1)])).rejects.toThrow(
        /request not supported on this domain/,
      );
    });

    describe('JWT bearer', () => {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwtProvider = (overrides: Partial<SalesforceOptions>) =>
        provider({
          instanceUrl: undefined,
          accessToken: undefined,
          loginUrl: sf.url,
          clientId: sf.clientId,
          username: 'integration@example.com',
          privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          ...overrides,
        });
      const restart = async (sandbox: boolean) => {
        await sf.close();
        sf = await startSalesforceEmulator({
          sandbox,
          jwtPublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        });
      };

      it('asks My Domain for the token with aud = https://login.salesforce.com', async () => {
        await restart(false);
        await expect(jwtProvider({}).resolveAccounts([customer(1)])).resolves.toBeInstanceOf(Map);
        await expect(
          jwtProvider({ jwtAudience: sf.url }).resolveAccounts([customer(1)]),
        ).rejects.toThrow(/audience is invalid/);
      });

      it('names test.salesforce.com as the audience of a sandbox', async () => {
        await restart(true);
        await expect(jwtProvider({}).resolveAccounts([customer(1)])).rejects.toBeInstanceOf(
          CrmPermanentError,
        );
        await expect(
          jwtProvider({ jwtAudience: 'https://test.salesforce.com' }).resolveAccounts([
            customer(1),
          ]),
        ).resolves.toBeInstanceOf(Map);
      });
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
      expect(first.created).toHaveLength(2 + 36 + 1 + 1);
      expect(sf.hasField('Usage_Invoice__c.Credited_Invoice__c')).toBe(true);
      expect(sf.hasField('Usage_Invoice__c.Invoice_Number__c')).toBe(true);

      // Every custom field the sync writes is readable and editable, the objects usable.
      const permissionSet = sf.permissionSet('Usage_Billing_Sync');
      expect(permissionSet?.label).toBe('Usage billing sync');
      expect([...(permissionSet?.fieldPermissions.keys() ?? [])].sort()).toEqual(
        CUSTOM_FIELDS_METADATA.map((f) => f.fullName.replace(/^Activity\./, 'Task.')).sort(),
      );
      // The task key is defined on Activity, and tasks (and events) carry it.
      expect(first.created).toContain('CustomField Activity.Usage_External_Key__c');
      expect(sf.hasField('Task.Usage_External_Key__c')).toBe(true);
      expect(sf.hasField('Event.Usage_External_Key__c')).toBe(true);
      for (const access of permissionSet?.fieldPermissions.values() ?? [])
        expect(access).toEqual({ readable: true, editable: true });
      expect(Object.fromEntries(permissionSet?.objectPermissions ?? [])).toEqual({
        Usage_Invoice__c: { allowCreate: true, allowEdit: true, allowRead: true },
        Usage_Cohort_Snapshot__c: { allowCreate: true, allowEdit: true, allowRead: true },
      });
      expect(sf.records('PermissionSetAssignment')).toEqual([
        expect.objectContaining({ AssigneeId: sf.integrationUserId }),
      ]);

      // An admin relabels a field; a second run reports it and changes nothing.
      sf.editMetadata('Account.MRR__c', 'label', 'MRR (billing)');
      const second = await crm.setup();
      expect(second.created).toEqual([]);
      expect(second.existing).toEqual(first.created);
      expect(second.differences).toEqual([
        'CustomField Account.MRR__c: label is "MRR (billing)" in Salesforce, "MRR" here',
      ]);
      expect(sf.records('PermissionSetAssignment')).toHaveLength(1);
      // Writes only on the first run: 1 call for both objects, 36 fields in
      // calls of at most 10, 1 for the permission set; the second only reads.
      const writes = sf.requests.filter(
        (r) => r.detail === 'createMetadata' || r.detail === 'upsertMetadata',
      );
      expect(writes).toHaveLength(6);
      expect(
        sf.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/composite/sobjects')),
      ).toHaveLength(1);
      await sf.close();
      sf = await startSalesforceEmulator({ provisioned: false });
      expect(sf.hasField('Account.MRR__c')).toBe(false);
    });

    it('refuses a custom field named on Task, as Salesforce does', async () => {
      await sf.close();
      sf = await startSalesforceEmulator({ provisioned: false });
      const conn = new Connection({
        instanceUrl: sf.url,
        accessToken: sf.accessToken,
        version: '62.0',
      });
      const [result] = (await conn.metadata.create('CustomField', [
        { fullName: 'Task.Usage_External_Key__c', label: 'Key', type: 'Text', length: 255 },
      ])) as unknown as { success: boolean; errors: { statusCode: string } }[];
      expect(result.success).toBe(false);
      expect(result.errors).toMatchObject([{ statusCode: 'FIELD_INTEGRITY_EXCEPTION' }]);
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

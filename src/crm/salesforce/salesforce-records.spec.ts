import {
  accountUpdateRecord,
  invoiceRecord,
  opportunityRecord,
  taskRecord,
} from './salesforce-records';

describe('Salesforce record mappers', () => {
  it('maps usage properties to Account fields; null clears, absent is left alone', () => {
    expect(
      accountUpdateRecord({
        accountId: '001A',
        properties: {
          currentUsage: '8200',
          percentOfLimit: '82.5',
          mrr: '1499.99',
          creditBalance: null,
          lastAlert: 'usage_80',
          lastAlertAt: '2026-03-02T10:00:00.000Z',
        },
      }),
    ).toEqual({
      Id: '001A',
      Usage_Current__c: 8200,
      Usage_Percent_Of_Limit__c: 82.5,
      MRR__c: 1499.99,
      Credit_Balance__c: null,
      Last_Alert__c: 'usage_80',
      Last_Alert_At__c: '2026-03-02T10:00:00.000Z',
    });
  });

  it('owns the task by the account owner when known, and leaves the owner to Salesforce otherwise', () => {
    const task = {
      externalKey: 'alert-1',
      accountId: '001A',
      ownerId: '005X',
      subject: 'Acme at 82 %',
      body: 'numbers',
      dueAt: new Date('2026-03-02T23:30:00Z'),
      requestedByCustomer: false,
    };
    expect(taskRecord(task)).toEqual({
      Usage_External_Key__c: 'alert-1',
      WhatId: '001A',
      OwnerId: '005X',
      Subject: 'Acme at 82 %',
      Description: 'numbers',
      ActivityDate: '2026-03-02',
      Priority: 'Normal',
    });
    expect(taskRecord({ ...task, ownerId: null })).not.toHaveProperty('OwnerId');
    // A customer's own request is the owner's first call.
    expect(taskRecord({ ...task, requestedByCustomer: true }).Priority).toBe('High');
  });

  it('sets StageName only on a new opportunity', () => {
    const opportunity = {
      externalKey: 'cus-1:usage_limit',
      accountId: '001A',
      ownerId: null,
      name: 'Acme: upgrade',
      amount: '12000.50',
      currency: 'USD',
      closeDate: new Date('2026-03-31T00:00:00Z'),
      description: 'why',
      requestedByCustomer: false,
    };
    expect(opportunityRecord(opportunity, 'Prospecting')).toEqual({
      Usage_External_Key__c: 'cus-1:usage_limit',
      AccountId: '001A',
      Name: 'Acme: upgrade',
      Type: 'Existing Customer - Upgrade',
      StageName: 'Prospecting',
      CloseDate: '2026-03-31',
      Amount: 12000.5,
      Description: 'why',
    });
    expect(opportunityRecord(opportunity, null)).not.toHaveProperty('StageName');
  });

  it('marks an opportunity the customer asked for, and writes no mark on the others', () => {
    const opportunity = {
      externalKey: 'cus-1:customer_request:plan_change',
      accountId: '001A',
      ownerId: null,
      name: 'Requested by customer',
      amount: '1800',
      currency: 'USD',
      closeDate: new Date('2026-03-31T00:00:00Z'),
      description: 'why',
      requestedByCustomer: true,
    };
    expect(opportunityRecord(opportunity, null).Requested_By_Customer__c).toBe(true);
    expect(
      opportunityRecord({ ...opportunity, requestedByCustomer: false }, null),
    ).not.toHaveProperty('Requested_By_Customer__c');
  });

  it('maps an invoice to Usage_Invoice__c keyed by its number', () => {
    expect(
      invoiceRecord({
        number: 'INV-000123',
        documentType: 'invoice',
        creditedInvoiceNumber: null,
        accountId: '001A',
        status: 'finalized',
        currency: 'EUR',
        total: '58.80',
        periodStart: new Date('2026-02-01T00:00:00Z'),
        periodEnd: new Date('2026-03-01T00:00:00Z'),
        url: 'https://billing.example/invoices/1',
      }),
    ).toEqual({
      Invoice_Number__c: 'INV-000123',
      Name: 'INV-000123',
      Account__c: '001A',
      Total__c: 58.8,
      Currency__c: 'EUR',
      Status__c: 'finalized',
      Period_Start__c: '2026-02-01T00:00:00.000Z',
      Period_End__c: '2026-03-01T00:00:00.000Z',
      Url__c: 'https://billing.example/invoices/1',
      Document_Type__c: 'invoice',
      Credited_Invoice__c: null,
    });
  });
});

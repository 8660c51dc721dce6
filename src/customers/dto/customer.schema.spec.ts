import { Decimal } from '../../common/decimal';
import { parseInput } from '../../common/validation';
import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { createCustomerSchema, updateCustomerSchema } from './customer.schema';

const valid = { externalId: 'acme', name: 'Acme AI' };

describe('customer schema', () => {
  it('fills the defaults', () => {
    expect(parseInput(createCustomerSchema, valid)).toEqual({
      ...valid,
      locale: 'en',
      taxRate: new Decimal(0),
      crm: {},
    });
  });

  it.each([
    ['en', 'en'],
    ['fr', 'fr'],
    ['sv', 'sv'],
    ['en-GB', 'en-GB'],
    ['en-gb', 'en-GB'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['es-419', 'es-419'],
  ])('accepts the locale %s as %s', (locale, canonical) => {
    expect(parseInput(createCustomerSchema, { ...valid, locale }).locale).toBe(canonical);
  });

  it.each(['english', 'en_GB', 'e', 'en-GB-oxendict', ''])('rejects the locale %j', (locale) => {
    expect(fieldProblemsOf(createCustomerSchema, { ...valid, locale })).toEqual([
      { field: 'locale', problem: 'must be a BCP-47 language tag such as "en" or "en-GB"' },
    ]);
  });

  it.each([
    [{ email: 'billing@' }, 'email', 'must be an e-mail address such as "billing@acme.example"'],
    [{ currency: 'eur' }, 'currency', 'must be an ISO 4217 currency code such as "USD"'],
    [{ taxRate: '-1' }, 'taxRate', 'must not be negative'],
    [{ taxRate: '100.5' }, 'taxRate', 'must be a percentage from 0 to 100'],
    [{ taxRate: 20 }, 'taxRate', 'must be a decimal string such as "12.50"'],
    [{ crm: { domain: 'acme' } }, 'crm.domain', 'must be a domain name such as "acme.example"'],
    [{ crm: { hubspotCompanyId: '' } }, 'crm.hubspotCompanyId', 'must not be empty'],
    [{ crm: { pipedriveId: '1' } }, 'crm.pipedriveId', 'is not a known field'],
  ])('rejects %j at %s', (override, field, problem) => {
    expect(fieldProblemsOf(createCustomerSchema, { ...valid, ...override })).toEqual([
      { field, problem },
    ]);
  });

  it('lowercases a CRM domain', () => {
    expect(
      parseInput(createCustomerSchema, { ...valid, crm: { domain: 'Acme.Example' } }).crm,
    ).toEqual({
      domain: 'acme.example',
    });
  });
});

describe('customer update schema', () => {
  it('keeps left-out fields out and null clears', () => {
    expect(parseInput(updateCustomerSchema, { email: null, crm: { domain: null } })).toEqual({
      email: null,
      crm: { domain: null },
    });
  });

  it('refuses to change the key or the currency', () => {
    expect(fieldProblemsOf(updateCustomerSchema, { externalId: 'b', currency: 'EUR' })).toEqual([
      { field: 'externalId', problem: 'cannot be changed: it is the key events and invoices use' },
      { field: 'currency', problem: 'cannot be changed: invoices already issued are in it' },
    ]);
  });
});

import { z } from 'zod';
import { nameField, percentField } from '../../catalog/dto/fields';
import { currencyField, keyField } from '../../common/validation';

/** Language, optional script and region ("en", "fr", "sv", "en-GB", "zh-Hant-TW"), in canonical case. */
const localeField = z
  .string({ error: 'must be a BCP-47 language tag such as "en" or "en-GB"' })
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?$/, {
    error: 'must be a BCP-47 language tag such as "en" or "en-GB"',
  })
  .transform((tag) => Intl.getCanonicalLocales(tag)[0]);

const emailField = z
  .email({ error: 'must be an e-mail address such as "billing@acme.example"' })
  .max(320);

const domainField = z
  .string({ error: 'must be a domain name such as "acme.example"' })
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, {
    error: 'must be a domain name such as "acme.example"',
  });

const crmIdField = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' });

/** Where the customer lives in the CRM: found by domain, or pinned to a record id. */
const crmSchema = z.strictObject({
  domain: domainField.optional(),
  hubspotCompanyId: crmIdField.optional(),
  salesforceAccountId: crmIdField.optional(),
});

export type CrmIdentity = z.output<typeof crmSchema>;

export const createCustomerSchema = z.strictObject({
  externalId: keyField,
  name: nameField,
  email: emailField.optional(),
  locale: localeField.default('en'),
  currency: currencyField.optional(),
  taxRate: percentField().prefault('0'),
  crm: crmSchema.default({}),
});

export type CreateCustomerInput = z.output<typeof createCustomerSchema>;

const unchangeable = (why: string) => z.never({ error: `cannot be changed: ${why}` }).optional();

/** Fields left out stay as they are; `null` clears an optional field (a CRM field included). */
export const updateCustomerSchema = z.strictObject({
  externalId: unchangeable('it is the key events and invoices use'),
  currency: unchangeable('invoices already issued are in it'),
  name: nameField.optional(),
  email: emailField.nullable().optional(),
  locale: localeField.optional(),
  taxRate: percentField().optional(),
  crm: z
    .strictObject({
      domain: domainField.nullable().optional(),
      hubspotCompanyId: crmIdField.nullable().optional(),
      salesforceAccountId: crmIdField.nullable().optional(),
    })
    .optional(),
});

export type UpdateCustomerInput = z.output<typeof updateCustomerSchema>;

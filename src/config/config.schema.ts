import { z } from 'zod';
import { Decimal, isDecimalString } from '../common/decimal';
import { CURRENCY_PATTERN } from '../common/money';

/** Durations such as "90s", "30m", "1h", "2d". */
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function parseDurationMs(text: string): number | null {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * DURATION_MS[match[2]] : null;
}

export const duration = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as "30m", "1h" or "2d"' });
    return z.NEVER;
  }
  return ms;
});

/** Milliseconds a cached read is trusted: a whole number from 0 (no cache) to an hour. */
const trustMs = z.coerce
  .number({ error: 'must be a whole number of milliseconds' })
  .int({ error: 'must be a whole number of milliseconds' })
  .min(0, { error: 'must be at least 0' })
  .max(3_600_000, { error: 'must be at most 3600000 (an hour)' });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const url = (protocols: RegExp, hint: string) =>
  optionalText.refine((value) => value === undefined || protocols.test(value), { message: hint });

/** "EUR:1.08,SEK:0.095": 1 EUR is worth 1.08 units of the reporting currency. */
const exchangeRates = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const rates = new Map<string, Decimal>();
    for (const entry of (text ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [currency, rate, extra] = entry.split(':');
      if (
        extra !== undefined ||
        !CURRENCY_PATTERN.test(currency) ||
        !isDecimalString(rate ?? '') ||
        !new Decimal(rate).gt(0)
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `has "${entry}": each entry must be CURRENCY:RATE with a positive rate, as in "EUR:1.08,SEK:0.095"`,
        });
        return z.NEVER;
      }
      if (rates.has(currency)) {
        ctx.addIssue({ code: 'custom', message: `lists ${currency} twice` });
        return z.NEVER;
      }
      rates.set(currency, new Decimal(rate));
    }
    return rates;
  });

/** A request rate such as "100/10s": at most that many requests in any window of that length. */
const rate = z.string().transform((text, ctx) => {
  const [requests, window] = text.split('/');
  const intervalMs = parseDurationMs(window ?? '');
  if (!/^\d+$/.test(requests ?? '') || Number(requests) === 0 || intervalMs === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a rate such as "100/10s"' });
    return z.NEVER;
  }
  return { requests: Number(requests), intervalMs };
});

/** Environment variables, exactly as DESIGN.md names them; all parsing happens here. */
export const environmentSchema = z
  .object({
    PORT: z.coerce
      .number({ error: 'must be a port number' })
      .int({ error: 'must be a whole port number' })
      .min(0, { error: 'must be between 0 and 65535' })
      .max(65535, { error: 'must be between 0 and 65535' })
      .default(3000),
    DATABASE_URL: url(
      /^postgres(ql)?:\/\//,
      'must be a postgres:// or postgresql:// connection string',
    ),
    DATA_DIR: z.string().min(1).default('./data'),
    ADMIN_API_KEY: optionalText.refine((value) => value === undefined || value.length >= 16, {
      message: 'must be at least 16 characters long',
    }),
    PUBLIC_URL: url(/^https?:\/\//, 'must be an http:// or https:// URL'),
    BILLING_GRACE_PERIOD: duration.default(3_600_000),
    REPORTING_CURRENCY: z
      .string()
      .regex(CURRENCY_PATTERN, { message: 'must be an ISO 4217 currency code such as "USD"' })
      .default('USD'),
    /** Rates to the reporting currency, used by the revenue ledger (src/analytics/ledger). */
    EXCHANGE_RATES: exchangeRates,
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    /** Whether this process runs the timed jobs; tests turn it off and call the services. */
    SCHEDULER_ENABLED: z.stringbool({ error: 'must be true or false' }).default(true),
    SMTP_URL: url(
      /^smtps?:\/\//,
      'must be an smtp:// or smtps:// URL such as "smtp://user:pass@host:587"',
    ),
    MAIL_FROM: z
      .string()
      .regex(/^([^<>]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, {
        message:
          'must be an e-mail address, optionally with a name: "Billing <billing@acme.example>"',
      })
      .default('billing@localhost'),
    /**
     * Path under PUBLIC_URL of a company's own upgrade page; e-mails link to it.
     * Unset: they link to the customer's usage page (src/usage-page).
     */
    UPGRADE_PATH: optionalText.refine((value) => value === undefined || /^\/\S*$/.test(value), {
      message: 'must be a path starting with "/"',
    }),
    /** Requests per client address to the public usage pages, e.g. "60/1m". */
    USAGE_PAGE_RATE_LIMIT: rate.default({ requests: 60, intervalMs: 60_000 }),
    CRM_PROVIDER: z.enum(['hubspot', 'salesforce', 'none']).default('none'),
    /** Find-or-create: without it, a customer whose company/account is not found is not synced. */
    CRM_CREATE_MISSING_ACCOUNTS: z.stringbool({ error: 'must be true or false' }).default(false),
    /** A CRM call unanswered by then is abandoned and retried (upserts make a repeat safe). */
    CRM_REQUEST_TIMEOUT: duration.default(30_000),
    HUBSPOT_ACCESS_TOKEN: optionalText,
    HUBSPOT_BASE_URL: url(/^https?:\/\//, 'must be an http:// or https:// URL'),
    /** Private apps: 100 requests per 10 s on Free/Starter, 190 on Professional/Enterprise; "<requests>/<duration>". */
    HUBSPOT_RATE_LIMIT: rate.default({ requests: 100, intervalMs: 10_000 }),
    HUBSPOT_DEAL_PIPELINE: z.string().min(1).default('default'),
    HUBSPOT_DEAL_STAGE: z.string().min(1).default('appointmentscheduled'),
    SALESFORCE_INSTANCE_URL: url(/^https?:\/\//, 'must be an http:// or https:// URL'),
    SALESFORCE_ACCESS_TOKEN: optionalText,
    /** Where token requests go: the org's My Domain (required for client credentials). */
    SALESFORCE_LOGIN_URL: url(/^https?:\/\//, 'must be an http:// or https:// URL'),
    /** The JWT bearer assertion's `aud`: https://login.salesforce.com, or https://test.salesforce.com for a sandbox. */
    SALESFORCE_JWT_AUDIENCE: url(/^https:\/\//, 'must be an https:// URL'),
    SALESFORCE_CLIENT_ID: optionalText,
    SALESFORCE_CLIENT_SECRET: optionalText,
    SALESFORCE_USERNAME: optionalText,
    SALESFORCE_PRIVATE_KEY: optionalText,
    SALESFORCE_API_VERSION: z
      .string()
      .regex(/^\d+\.\d$/, { message: 'must be a version such as "62.0"' })
      .default('62.0'),
    SALESFORCE_OPPORTUNITY_STAGE: z.string().min(1).default('Prospecting'),
    /** Requests per rolling 24 h allotted to this integration (the org's allocation is shared). */
    SALESFORCE_DAILY_REQUEST_LIMIT: z.coerce.number().int().positive().default(100_000),
    /** Salesforce caps concurrent long-running requests per org; we stay well under it. */
    SALESFORCE_MAX_CONCURRENCY: z.coerce.number().int().positive().default(10),
    /**
     * An optional short window on top of the daily limit ("25/10s"): Salesforce
     * publishes none, but a proxy or a shared org may impose one, and the
     * benchmark paces its emulator with it. Unset: only the daily limit.
     */
    SALESFORCE_RATE_LIMIT: rate.optional(),
    /**
     * Months of raw events kept (and of event ids remembered for idempotency);
     * older months go once invoiced, older events are refused.
     */
    EVENT_RETENTION: z.coerce
      .number({ error: 'must be a whole number of months' })
      .int({ error: 'must be a whole number of months' })
      .min(1, { error: 'must be at least 1 month' })
      .max(1200, { error: 'must be at most 1200 months' })
      .default(13),
    /** Subscriptions a billing run bills per transaction (src/invoicing/billing-chunks.ts). */
    BILLING_CHUNK_SIZE: z.coerce
      .number({ error: 'must be a whole number of subscriptions' })
      .int({ error: 'must be a whole number of subscriptions' })
      .min(1, { error: 'must be at least 1' })
      .max(500, { error: 'must be at most 500' })
      .default(100),
    /** How long a verified API key is trusted without reading it again (0: read on every request). */
    KEY_TRUST_MS: trustMs.default(5_000),
    /** How long a customer's subscriptions and quotas are trusted by the entitlement check. */
    QUOTA_CONFIG_TRUST_MS: trustMs.default(10_000),
  })
  .refine((env) => env.EXCHANGE_RATES.get(env.REPORTING_CURRENCY)?.eq(1) ?? true, {
    path: ['EXCHANGE_RATES'],
    message: 'gives the reporting currency a rate other than 1',
  });

export type Environment = z.output<typeof environmentSchema>;

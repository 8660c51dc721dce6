import * as path from 'node:path';
import { Decimal } from '../common/decimal';
import { Environment, environmentSchema } from './config.schema';
import { DEFAULT_RETRY_POLICY, outboxRetrySchema, RetryPolicy } from './outbox-retry';

export class ConfigError extends Error {}

export type DatabaseConfig =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface MailConfig {
  /** Unset: messages are written as .eml files under `<dataDir>/mail/`. */
  smtpUrl: string | undefined;
  from: string;
  /** A company's own upgrade page; undefined: e-mails link to the customer's usage page. */
  upgradePath: string | undefined;
}

export interface RateLimit {
  requests: number;
  intervalMs: number;
}

export interface HubSpotConfig {
  accessToken: string;
  baseUrl: string;
  rateLimit: RateLimit;
  dealPipeline: string;
  dealStage: string;
}

export interface SalesforceConfig {
  instanceUrl: string | undefined;
  accessToken: string | undefined;
  loginUrl: string;
  /** `aud` of the JWT bearer assertion: the login host, even when loginUrl is My Domain. */
  jwtAudience: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  username: string | undefined;
  privateKey: string | undefined;
  apiVersion: string;
  opportunityStage: string;
  dailyRequestLimit: number;
  maxConcurrency: number;
  /** A short window paced on top of the daily limit; null when none is configured. */
  rateLimit: RateLimit | null;
}

/** Milliseconds a cached read is trusted before it is read again (0: never cached). */
export interface TrustConfig {
  /** A verified API key: a revocation on another replica takes effect within it. */
  apiKeyMs: number;
  /** A customer's subscriptions and quotas in force, as the entitlement check reads them. */
  quotaConfigMs: number;
}

/** Which CRM receives our numbers; `none` turns the sync off (nothing is enqueued). */
export type CrmConfig = { createMissingAccounts: boolean; requestTimeoutMs: number } & (
  | { provider: 'none' }
  | { provider: 'hubspot'; hubspot: HubSpotConfig }
  | { provider: 'salesforce'; salesforce: SalesforceConfig }
);

/** The service's validated configuration; the only place that knows about process.env. */
export class AppConfig {
  constructor(
    readonly port: number,
    readonly database: DatabaseConfig,
    readonly dataDir: string,
    readonly adminApiKey: string | undefined,
    readonly publicUrl: string,
    readonly billingGracePeriodMs: number,
    readonly reportingCurrency: string,
    readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose',
    readonly schedulerEnabled: boolean,
    readonly mail: MailConfig,
    /** 1 unit of the key currency = rate units of `reportingCurrency`; the reporting currency itself is 1. */
    readonly exchangeRates: ReadonlyMap<string, Decimal> = new Map(),
    readonly crm: CrmConfig = CRM_DISABLED,
    /** Requests per client address to the public usage pages. */
    readonly usagePageRateLimit: RateLimit = { requests: 60, intervalMs: 60_000 },
    /** EVENT_RETENTION: months of raw events and event ids kept. */
    readonly eventRetentionMonths: number = 13,
    /** BILLING_CHUNK_SIZE: subscriptions a billing run bills per transaction. */
    readonly billingChunkSize: number = 100,
    /** KEY_TRUST_MS and QUOTA_CONFIG_TRUST_MS: how long the entitlement check's hot reads are trusted. */
    readonly trust: TrustConfig = { apiKeyMs: 5_000, quotaConfigMs: 10_000 },
    readonly outboxRetry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** Reads and validates the environment; a bad setting names the variable and the problem. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const parsed = environmentSchema.safeParse(env);
    const retry = outboxRetrySchema.safeParse(env);
    if (!parsed.success || !retry.success) {
      const issues = [...(parsed.error?.issues ?? []), ...(retry.error?.issues ?? [])];
      const problems = issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
      throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
    }
    const e = parsed.data;
    const dataDir = path.resolve(e.DATA_DIR);
    return new AppConfig(
      e.PORT,
      e.DATABASE_URL
        ? { kind: 'postgres', url: e.DATABASE_URL }
        : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
      dataDir,
      e.ADMIN_API_KEY,
      (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      e.BILLING_GRACE_PERIOD,
      e.REPORTING_CURRENCY,
      e.LOG_LEVEL,
      e.SCHEDULER_ENABLED,
      { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, upgradePath: e.UPGRADE_PATH },
      new Map([...e.EXCHANGE_RATES, [e.REPORTING_CURRENCY, new Decimal(1)]]),
      crmConfig(e),
      e.USAGE_PAGE_RATE_LIMIT,
      e.EVENT_RETENTION,
      e.BILLING_CHUNK_SIZE,
      { apiKeyMs: e.KEY_TRUST_MS, quotaConfigMs: e.QUOTA_CONFIG_TRUST_MS },
      retry.data,
    );
  }
}

const CRM_DISABLED: CrmConfig = {
  provider: 'none',
  createMissingAccounts: false,
  requestTimeoutMs: 30_000,
};

function crmConfig(e: Environment): CrmConfig {
  const common = {
    createMissingAccounts: e.CRM_CREATE_MISSING_ACCOUNTS,
    requestTimeoutMs: e.CRM_REQUEST_TIMEOUT,
  };
  const trim = (url: string) => url.replace(/\/+$/, '');
  switch (e.CRM_PROVIDER) {
    case 'none':
      return { ...common, provider: 'none' };
    case 'hubspot':
      if (!e.HUBSPOT_ACCESS_TOKEN)
        throw new ConfigError(
          'invalid configuration: HUBSPOT_ACCESS_TOKEN is required when CRM_PROVIDER is hubspot',
        );
      return {
        ...common,
        provider: 'hubspot',
        hubspot: {
          accessToken: e.HUBSPOT_ACCESS_TOKEN,
          baseUrl: trim(e.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com'),
          rateLimit: e.HUBSPOT_RATE_LIMIT,
          dealPipeline: e.HUBSPOT_DEAL_PIPELINE,
          dealStage: e.HUBSPOT_DEAL_STAGE,
        },
      };
    case 'salesforce':
      if (!(e.SALESFORCE_INSTANCE_URL && e.SALESFORCE_ACCESS_TOKEN) && !e.SALESFORCE_CLIENT_ID)
        throw new ConfigError(
          'invalid configuration: CRM_PROVIDER salesforce needs SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN, or SALESFORCE_CLIENT_ID for an OAuth2 login',
        );
      return {
        ...common,
        provider: 'salesforce',
        salesforce: {
          instanceUrl: e.SALESFORCE_INSTANCE_URL && trim(e.SALESFORCE_INSTANCE_URL),
          accessToken: e.SALESFORCE_ACCESS_TOKEN,
          ...salesforceLogin(e),
          clientId: e.SALESFORCE_CLIENT_ID,
          clientSecret: e.SALESFORCE_CLIENT_SECRET,
          username: e.SALESFORCE_USERNAME,
          privateKey: e.SALESFORCE_PRIVATE_KEY,
          apiVersion: e.SALESFORCE_API_VERSION,
          opportunityStage: e.SALESFORCE_OPPORTUNITY_STAGE,
          dailyRequestLimit: e.SALESFORCE_DAILY_REQUEST_LIMIT,
          maxConcurrency: e.SALESFORCE_MAX_CONCURRENCY,
          rateLimit: e.SALESFORCE_RATE_LIMIT ?? null,
        },
      };
  }
}

const LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

/**
 * Where token requests go and the JWT audience, checked against Salesforce's
 * rules: the client-credentials flow is refused on login.salesforce.com and
 * test.salesforce.com (it needs the org's My Domain), while a JWT assertion's
 * `aud` must name the login host, not My Domain.
 */
function salesforceLogin(e: Environment): { loginUrl: string; jwtAudience: string } {
  const loginUrl = (e.SALESFORCE_LOGIN_URL ?? 'https://login.salesforce.com').replace(/\/+$/, '');
  const jwtAudience = (e.SALESFORCE_JWT_AUDIENCE ?? 'https://login.salesforce.com').replace(
    /\/+$/,
    '',
  );
  const accessToken = e.SALESFORCE_INSTANCE_URL && e.SALESFORCE_ACCESS_TOKEN;
  const jwt = e.SALESFORCE_PRIVATE_KEY && e.SALESFORCE_USERNAME;
  if (
    !accessToken &&
    !jwt &&
    e.SALESFORCE_CLIENT_SECRET &&
    LOGIN_HOSTS.has(new URL(loginUrl).hostname)
  )
    throw new ConfigError(
      `invalid configuration: SALESFORCE_LOGIN_URL must be the org's My Domain (https://<name>.my.salesforce.com) for the client-credentials flow; Salesforce refuses it on ${new URL(loginUrl).hostname}`,
    );
  if (jwt && new URL(jwtAudience).hostname.endsWith('.my.salesforce.com'))
    throw new ConfigError(
      'invalid configuration: SALESFORCE_JWT_AUDIENCE must be https://login.salesforce.com (or https://test.salesforce.com for a sandbox), not My Domain',
    );
  return { loginUrl, jwtAudience };
}

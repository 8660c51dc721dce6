import { AppConfig, ConfigError } from './app-config';

describe('AppConfig.fromEnvironment', () => {
  it('uses the documented defaults', () => {
    const config = AppConfig.fromEnvironment({});
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('pglite');
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.billingGracePeriodMs).toBe(3_600_000);
    expect(config.reportingCurrency).toBe('USD');
    expect(config.schedulerEnabled).toBe(true);
    expect(config.mail).toEqual({
      smtpUrl: undefined,
      from: 'billing@localhost',
      upgradePath: undefined,
    });
    expect(config.usagePageRateLimit).toEqual({ requests: 60, intervalMs: 60_000 });
    expect(config.outboxRetry).toEqual({
      maxAttempts: 10,
      baseDelayMs: 30_000,
      maxDelayMs: 3_600_000,
    });
    expect(config.trust).toEqual({ apiKeyMs: 5_000, quotaConfigMs: 10_000 });
  });

  it('reads the outbox retry policy', () => {
    const config = AppConfig.fromEnvironment({
      OUTBOX_RETRY_BASE_DELAY: '500ms',
      OUTBOX_RETRY_MAX_DELAY: '2s',
      OUTBOX_MAX_ATTEMPTS: '25',
    });
    expect(config.outboxRetry).toEqual({ maxAttempts: 25, baseDelayMs: 500, maxDelayMs: 2000 });
  });

  it('reads the trust delays of the entitlement check, 0 turning a cache off', () => {
    const config = AppConfig.fromEnvironment({ KEY_TRUST_MS: '0', QUOTA_CONFIG_TRUST_MS: '2500' });
    expect(config.trust).toEqual({ apiKeyMs: 0, quotaConfigMs: 2_500 });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = AppConfig.fromEnvironment({ DATABASE_URL: 'postgres://u:p@localhost:5432/db' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@localhost:5432/db' });
  });

  it('parses the grace period', () => {
    expect(AppConfig.fromEnvironment({ BILLING_GRACE_PERIOD: '30m' }).billingGracePeriodMs).toBe(
      1_800_000,
    );
  });

  it.each([
    ['PORT', 'abc', /PORT must be a port number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres/],
    ['BILLING_GRACE_PERIOD', 'soon', /BILLING_GRACE_PERIOD must be a duration/],
    ['REPORTING_CURRENCY', 'usd', /REPORTING_CURRENCY must be an ISO 4217/],
    ['ADMIN_API_KEY', 'short', /ADMIN_API_KEY must be at least 16 characters/],
    ['SCHEDULER_ENABLED', 'maybe', /SCHEDULER_ENABLED must be true or false/],
    ['SMTP_URL', 'http://mail', /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['MAIL_FROM', 'billing', /MAIL_FROM must be an e-mail address/],
    ['UPGRADE_PATH', 'upgrade', /UPGRADE_PATH must be a path/],
    ['USAGE_PAGE_RATE_LIMIT', 'lots', /USAGE_PAGE_RATE_LIMIT must be a rate/],
    ['EXCHANGE_RATES', 'EUR=1.08', /EXCHANGE_RATES has "EUR=1.08"/],
    ['EXCHANGE_RATES', 'EUR:0', /EXCHANGE_RATES has "EUR:0"/],
    ['EXCHANGE_RATES', 'EUR:1.08,EUR:1.1', /EXCHANGE_RATES lists EUR twice/],
    ['KEY_TRUST_MS', '5s', /KEY_TRUST_MS must be a whole number of milliseconds/],
    ['QUOTA_CONFIG_TRUST_MS', '-1', /QUOTA_CONFIG_TRUST_MS must be at least 0/],
    ['EXCHANGE_RATES', 'USD:2', /EXCHANGE_RATES gives the reporting currency a rate other than 1/],
    ['OUTBOX_RETRY_BASE_DELAY', 'soon', /OUTBOX_RETRY_BASE_DELAY must be a duration/],
    ['OUTBOX_RETRY_BASE_DELAY', '0s', /OUTBOX_RETRY_BASE_DELAY must be longer than 0/],
    [
      'OUTBOX_RETRY_BASE_DELAY',
      '2h',
      /OUTBOX_RETRY_BASE_DELAY must not be longer than OUTBOX_RETRY_MAX_DELAY/,
    ],
    ['OUTBOX_RETRY_MAX_DELAY', '1', /OUTBOX_RETRY_MAX_DELAY must be a duration/],
    ['OUTBOX_MAX_ATTEMPTS', '0', /OUTBOX_MAX_ATTEMPTS must be at least 1/],
    ['OUTBOX_MAX_ATTEMPTS', 'many', /OUTBOX_MAX_ATTEMPTS must be a whole number of attempts/],
  ])('rejects a bad %s naming it', (name, value, message) => {
    expect(() => AppConfig.fromEnvironment({ [name]: value })).toThrow(ConfigError);
    expect(() => AppConfig.fromEnvironment({ [name]: value })).toThrow(message);
  });

  it('reads exchange rates to the reporting currency, which is 1', () => {
    const config = AppConfig.fromEnvironment({ EXCHANGE_RATES: 'EUR:1.08, SEK:0.095' });
    expect(Object.fromEntries([...config.exchangeRates].map(([c, r]) => [c, r.toFixed()]))).toEqual(
      {
        EUR: '1.08',
        SEK: '0.095',
        USD: '1',
      },
    );
  });

  describe('Salesforce login', () => {
    const sf = { CRM_PROVIDER: 'salesforce', SALESFORCE_CLIENT_ID: 'app' };

    it('refuses client credentials on the generic login hosts: they need My Domain', () => {
      for (const host of ['https://login.salesforce.com', 'https://test.salesforce.com/'])
        expect(() =>
          AppConfig.fromEnvironment({
            ...sf,
            SALESFORCE_CLIENT_SECRET: 'secret',
            SALESFORCE_LOGIN_URL: host,
          }),
        ).toThrow(/SALESFORCE_LOGIN_URL must be the org's My Domain/);
      const config = AppConfig.fromEnvironment({
        ...sf,
        SALESFORCE_CLIENT_SECRET: 'secret',
        SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
      });
      expect(config.crm).toMatchObject({
        salesforce: { loginUrl: 'https://acme.my.salesforce.com' },
      });
    });

    it('keeps the JWT audience apart from the token URL, and refuses My Domain as the audience', () => {
      const jwt = {
        ...sf,
        SALESFORCE_PRIVATE_KEY: 'pem',
        SALESFORCE_USERNAME: 'sync@acme.example',
      };
      const config = AppConfig.fromEnvironment({
        ...jwt,
        SALESFORCE_LOGIN_URL: 'https://acme--uat.sandbox.my.salesforce.com',
        SALESFORCE_JWT_AUDIENCE: 'https://test.salesforce.com',
      });
      expect(config.crm).toMatchObject({
        salesforce: {
          loginUrl: 'https://acme--uat.sandbox.my.salesforce.com',
          jwtAudience: 'https://test.salesforce.com',
        },
      });
      expect(() =>
        AppConfig.fromEnvironment({
          ...jwt,
          SALESFORCE_JWT_AUDIENCE: 'https://acme.my.salesforce.com',
        }),
      ).toThrow(/SALESFORCE_JWT_AUDIENCE must be https:\/\/login.salesforce.com/);
    });
  });
});

import * as path from 'node:path';
import { environmentSchema } from './config.schema';

export class ConfigError extends Error {}

export type DatabaseConfig =
  { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface MailConfig {
  /** Unset: messages are written as .eml files under `<dataDir>/mail/`. */
  smtpUrl: string | undefined;
  from: string;
  upgradePath: string;
}

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
  ) {}

  /** Reads and validates the environment; a bad setting names the variable and the problem. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const parsed = environmentSchema.safeParse(env);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.')} ${issue.message}`,
      );
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
    );
  }
}

import { z } from 'zod';
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

const duration = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as "30m", "1h" or "2d"' });
    return z.NEVER;
  }
  return ms;
});

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const url = (protocols: RegExp, hint: string) =>
  optionalText.refine((value) => value === undefined || protocols.test(value), { message: hint });

/** Environment variables, exactly as DESIGN.md names them; all parsing happens here. */
export const environmentSchema = z.object({
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
  /** Path under PUBLIC_URL where a customer raises a limit; e-mails link to it. */
  UPGRADE_PATH: z
    .string()
    .regex(/^\/\S*$/, { message: 'must be a path starting with "/"' })
    .default('/upgrade'),
});

export type Environment = z.output<typeof environmentSchema>;

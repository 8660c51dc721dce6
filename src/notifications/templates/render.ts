import { Decimal } from '../../common/decimal';
import { EmailPayload } from '../email-message';
import { Formatter } from './formatter';
import { MESSAGES } from './languages';
import { Row, toHtml, toText } from './layout';
import { resolveMailLocale } from './locale';
import { Copy, FigureTexts, Messages } from './messages';

export interface Recipient {
  name: string;
  /** The customer's BCP-47 locale ("fr-CA"). */
  locale: string;
}

export interface EmailLinks {
  /** Where the customer raises the limit. */
  upgrade: string;
  /** One-click opt-out; null for critical e-mails, which customers cannot opt out of. */
  unsubscribe: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Renders an e-mail in the recipient's language, with figures formatted for their locale. */
export function renderEmail(
  payload: EmailPayload,
  recipient: Recipient,
  links: EmailLinks,
): RenderedEmail {
  const { language, formatLocale } = resolveMailLocale(recipient.locale);
  const messages = MESSAGES[language];
  const { copy, rows } = describe(payload, messages, new Formatter(formatLocale));
  const view = {
    language,
    subject: copy.subject,
    greeting: messages.greeting(recipient.name),
    paragraphs: copy.paragraphs,
    rows,
    raiseLimit: { ...messages.raiseLimit, url: links.upgrade },
    unsubscribe: links.unsubscribe ? { ...messages.unsubscribe, url: links.unsubscribe } : null,
  };
  return { subject: copy.subject, text: toText(view), html: toHtml(view) };
}

/** The sentences and the table of figures of one template. */
function describe(payload: EmailPayload, m: Messages, f: Formatter): { copy: Copy; rows: Row[] } {
  const data = payload.data;
  const texts: FigureTexts = {
    meter: data.meter.name,
    usage: f.quantity(data.usage, data.meter.unit),
    limit: f.quantity(data.limit, data.meter.unit),
    usedPercent: f.percent(data.usage.div(data.limit)),
    projectedBill: f.money(data.projectedBill, data.currency),
    limitReachedAt: data.limitReachedAt && f.date(data.limitReachedAt),
    intervalEnd: f.date(data.intervalEnd),
  };
  const orNotBefore = (date: string | null) => date ?? m.notBefore(texts.intervalEnd);
  const rows: Row[] = [
    [m.labels.meter, texts.meter],
    [m.labels.usage, `${texts.usage} (${texts.usedPercent})`],
    [m.labels.limit, texts.limit],
    [m.labels.projectedBill, texts.projectedBill],
  ];
  const projectedLimitDate: Row = [m.labels.projectedLimitDate, orNotBefore(texts.limitReachedAt)];

  switch (payload.template) {
    case 'usage_threshold': {
      const threshold = f.percent(new Decimal(payload.data.thresholdPercent).div(100));
      return {
        copy: m.templates.usage_threshold({ ...texts, threshold }),
        rows: [...rows, projectedLimitDate],
      };
    }
    case 'usage_limit_reached': {
      const limitReachedAt = f.date(payload.data.limitReachedAt);
      return {
        copy: m.templates.usage_limit_reached({ ...texts, limitReachedAt }),
        rows: [...rows, [m.labels.limitReachedAt, limitReachedAt]],
      };
    }
    case 'bill_shock': {
      const usualBill = f.money(payload.data.usualBill, data.currency);
      return {
        copy: m.templates.bill_shock({ ...texts, usualBill }),
        rows: [...rows, [m.labels.usualBill, usualBill], projectedLimitDate],
      };
    }
    case 'credit_balance_low': {
      const creditBalance = f.money(payload.data.creditBalance, data.currency);
      const runsOut = payload.data.creditRunsOutAt;
      const creditRunsOutAt = runsOut && f.date(runsOut);
      return {
        copy: m.templates.credit_balance_low({ ...texts, creditBalance, creditRunsOutAt }),
        rows: [
          ...rows,
          projectedLimitDate,
          [m.labels.creditBalance, creditBalance],
          [m.labels.creditRunsOutAt, orNotBefore(creditRunsOutAt)],
        ],
      };
    }
    case 'quota_pressure': {
      const quota = payload.data;
      const window = m.windows[quota.window];
      const capsHit = f.quantity(new Decimal(quota.capsHit), null);
      const hoursThrottled = f.quantity(quota.hoursThrottled, null);
      const upgrade = quota.upgrade && {
        plan: quota.upgrade.plan,
        quota: quota.upgrade.quota && f.quantity(quota.upgrade.quota, data.meter.unit),
        projectedBill: f.money(quota.upgrade.projectedBill, data.currency),
      };
      return {
        copy: m.templates.quota_pressure({
          ...texts,
          window: window.one,
          watched: window.count(f.quantity(new Decimal(quota.windowsWatched), null)),
          capsHit,
          hoursThrottled,
          upgrade,
        }),
        rows: [
          [m.labels.meter, texts.meter],
          [m.labels.quota, `${texts.limit} / ${window.one}`],
          [m.labels.capsHit, capsHit],
          [m.labels.hoursThrottled, hoursThrottled],
          [m.labels.projectedBill, texts.projectedBill],
          ...(upgrade
            ? [
                [
                  m.labels.upgradeQuota,
                  `${upgrade.plan}: ${upgrade.quota ?? '∞'} / ${window.one}`,
                ] as Row,
              ]
            : []),
        ],
      };
    }
  }
}

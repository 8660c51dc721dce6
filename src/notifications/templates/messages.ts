import { TemplateName } from '../email-message';

/** The figures of an e-mail, formatted for the customer's locale, ready to go into sentences. */
export interface FigureTexts {
  meter: string;
  usage: string;
  limit: string;
  /** usage ÷ limit, e.g. "83 %" */
  usedPercent: string;
  projectedBill: string;
  /** null: the limit is not projected to be reached before the interval ends. */
  limitReachedAt: string | null;
  intervalEnd: string;
}

/** What each template's sentences may use. */
export type TemplateTexts = {
  usage_threshold: FigureTexts & { threshold: string };
  usage_limit_reached: FigureTexts & { limitReachedAt: string };
  bill_shock: FigureTexts & { usualBill: string };
  credit_balance_low: FigureTexts & { creditBalance: string; creditRunsOutAt: string | null };
  quota_pressure: FigureTexts & {
    /** "hour", "heure", "timme" */
    window: string;
    /** How long was watched, "168 hours" */
    watched: string;
    capsHit: string;
    hoursThrottled: string;
    upgrade: { plan: string; quota: string | null; projectedBill: string } | null;
  };
};

export type WindowName = 'hour' | 'day' | 'week';

/** The words of one e-mail: its subject and the paragraphs above the table of figures. */
export interface Copy {
  subject: string;
  paragraphs: string[];
}

/** Everything the e-mails say, in one language; a missing template is a compile error. */
export interface Messages {
  greeting(name: string): string;
  templates: { [T in TemplateName]: (texts: TemplateTexts[T]) => Copy };
  labels: {
    meter: string;
    usage: string;
    limit: string;
    projectedBill: string;
    projectedLimitDate: string;
    limitReachedAt: string;
    usualBill: string;
    creditBalance: string;
    creditRunsOutAt: string;
    quota: string;
    capsHit: string;
    hoursThrottled: string;
    upgradeQuota: string;
  };
  /** A quota window's name, and a count of them ("168 hours"). */
  windows: Record<WindowName, { one: string; count(n: string): string }>;
  /** A projected date that falls after the interval's end. */
  notBefore(date: string): string;
  raiseLimit: { text: string; action: string };
  unsubscribe: { text: string; action: string };
  unsubscribePage: { title: string; question: string; confirm: string; done: string };
}

import { FigureTexts, Messages } from './messages';

const pace = (t: FigureTexts) =>
  t.limitReachedAt
    ? `At your current pace you will reach the limit on ${t.limitReachedAt}.`
    : `At your current pace you will stay within the limit until the period ends on ${t.intervalEnd}.`;

const bill = (t: FigureTexts) => `Your bill for this period is projected at ${t.projectedBill}.`;

export const en: Messages = {
  greeting: (name) => `Hello ${name},`,
  templates: {
    usage_threshold: (t) => ({
      subject: `You have used ${t.threshold} of your ${t.meter} limit`,
      paragraphs: [
        `Your usage of ${t.meter} has reached ${t.usedPercent} of your limit: ${t.usage} of ${t.limit} in the current period.`,
        `${pace(t)} ${bill(t)}`,
      ],
    }),
    usage_limit_reached: (t) => ({
      subject: `You have reached your ${t.meter} limit`,
      paragraphs: [
        `On ${t.limitReachedAt} your usage of ${t.meter} reached its limit: ${t.usage} of ${t.limit} in the current period.`,
        `The limit resets on ${t.intervalEnd}. ${bill(t)}`,
      ],
    }),
    bill_shock: (t) => ({
      subject: `Your bill is projected at ${t.projectedBill}, above your usual ${t.usualBill}`,
      paragraphs: [
        `Your bill for this period is projected at ${t.projectedBill}, well above your usual bill of ${t.usualBill}.`,
        `Most of it comes from ${t.meter}: ${t.usage} so far, against a limit of ${t.limit}. ${pace(t)}`,
      ],
    }),
    credit_balance_low: (t) => ({
      subject: `Your credit balance is low: ${t.creditBalance} left`,
      paragraphs: [
        t.creditRunsOutAt
          ? `You have ${t.creditBalance} of credit left. At your current pace it will run out on ${t.creditRunsOutAt}.`
          : `You have ${t.creditBalance} of credit left.`,
        `Usage of ${t.meter} so far: ${t.usage} of ${t.limit}. ${bill(t)}`,
      ],
    }),
    quota_pressure: (t) => ({
      subject: `You reached your ${t.meter} quota ${t.capsHit} times`,
      paragraphs: [
        `Your usage of ${t.meter} reached its quota of ${t.limit} per ${t.window} ${t.capsHit} times in ${t.watched}, and was held at the cap for ${t.hoursThrottled} hours in all. Your busiest ${t.window} asked for ${t.usage}.`,
        t.upgrade
          ? `On the ${t.upgrade.plan} plan your quota would be ${t.upgrade.quota ?? 'unlimited'} per ${t.window}, enough for your busiest ${t.window}, for a bill projected at ${t.upgrade.projectedBill} this period instead of ${t.projectedBill}.`
          : `No plan holds your busiest ${t.window} yet: reply to this e-mail and we will raise your quota.`,
      ],
    }),
  },
  labels: {
    meter: 'Meter',
    usage: 'Usage so far',
    limit: 'Limit',
    projectedBill: 'Projected bill',
    projectedLimitDate: 'Limit reached (projected)',
    limitReachedAt: 'Limit reached on',
    usualBill: 'Usual bill',
    creditBalance: 'Credit balance',
    creditRunsOutAt: 'Credit runs out (projected)',
    quota: 'Quota',
    capsHit: 'Quota reached',
    hoursThrottled: 'Hours at the cap',
    upgradeQuota: 'Quota after upgrading',
  },
  windows: {
    hour: { one: 'hour', count: (n) => `${n} hours` },
    day: { one: 'day', count: (n) => `${n} days` },
    week: { one: 'week', count: (n) => `${n} weeks` },
  },
  notBefore: (date) => `not before ${date}`,
  raiseLimit: {
    text: 'Need more? Raise your limit by changing your plan:',
    action: 'Raise my limit',
  },
  unsubscribe: {
    text: 'You receive this warning because usage warnings are on for your account.',
    action: 'Unsubscribe from usage warnings',
  },
  unsubscribePage: {
    title: 'Usage warnings',
    question:
      'Stop e-mailing usage warnings to this account? You will still be told when a limit is reached.',
    confirm: 'Unsubscribe',
    done: 'Done: we will not send usage warnings any more. You will still be told when a limit is reached.',
  },
};

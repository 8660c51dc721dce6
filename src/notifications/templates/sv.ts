import { FigureTexts, Messages } from './messages';

const pace = (t: FigureTexts) =>
  t.limitReachedAt
    ? `I nuvarande takt når du gränsen den ${t.limitReachedAt}.`
    : `I nuvarande takt håller du dig under gränsen tills perioden slutar den ${t.intervalEnd}.`;

const bill = (t: FigureTexts) => `Din faktura för perioden beräknas bli ${t.projectedBill}.`;

export const sv: Messages = {
  greeting: (name) => `Hej ${name},`,
  templates: {
    usage_threshold: (t) => ({
      subject: `Du har använt ${t.threshold} av din gräns för ${t.meter}`,
      paragraphs: [
        `Din förbrukning av ${t.meter} har nått ${t.usedPercent} av din gräns: ${t.usage} av ${t.limit} under den aktuella perioden.`,
        `${pace(t)} ${bill(t)}`,
      ],
    }),
    usage_limit_reached: (t) => ({
      subject: `Du har nått din gräns för ${t.meter}`,
      paragraphs: [
        `Den ${t.limitReachedAt} nådde din förbrukning av ${t.meter} gränsen: ${t.usage} av ${t.limit} under den aktuella perioden.`,
        `Gränsen återställs den ${t.intervalEnd}. ${bill(t)}`,
      ],
    }),
    bill_shock: (t) => ({
      subject: `Din faktura beräknas bli ${t.projectedBill}, mer än vanliga ${t.usualBill}`,
      paragraphs: [
        `Din faktura för perioden beräknas bli ${t.projectedBill}, långt över din vanliga faktura på ${t.usualBill}.`,
        `Det mesta kommer från ${t.meter}: ${t.usage} hittills, med en gräns på ${t.limit}. ${pace(t)}`,
      ],
    }),
    credit_balance_low: (t) => ({
      subject: `Ditt kreditsaldo är lågt: ${t.creditBalance} kvar`,
      paragraphs: [
        t.creditRunsOutAt
          ? `Du har ${t.creditBalance} kvar i kredit. I nuvarande takt tar den slut den ${t.creditRunsOutAt}.`
          : `Du har ${t.creditBalance} kvar i kredit.`,
        `Förbrukning av ${t.meter} hittills: ${t.usage} av ${t.limit}. ${bill(t)}`,
      ],
    }),
    quota_pressure: (t) => ({
      subject: `Du har nått din kvot för ${t.meter} ${t.capsHit} gånger`,
      paragraphs: [
        `Din förbrukning av ${t.meter} nådde sin kvot på ${t.limit} per ${t.window} ${t.capsHit} gånger under ${t.watched} och hölls vid taket i sammanlagt ${t.hoursThrottled} timmar. Din mest belastade ${t.window} krävde ${t.usage}.`,
        t.upgrade
          ? `Med planen ${t.upgrade.plan} skulle din kvot vara ${t.upgrade.quota ?? 'obegränsad'} per ${t.window}, tillräckligt för din mest belastade ${t.window}, med en beräknad faktura på ${t.upgrade.projectedBill} för perioden i stället för ${t.projectedBill}.`
          : `Ingen plan räcker ännu för din mest belastade ${t.window}: svara på det här mejlet så höjer vi din kvot.`,
      ],
    }),
  },
  labels: {
    meter: 'Mätare',
    usage: 'Förbrukning hittills',
    limit: 'Gräns',
    projectedBill: 'Beräknad faktura',
    projectedLimitDate: 'Gränsen nås (prognos)',
    limitReachedAt: 'Gränsen nåddes',
    usualBill: 'Vanlig faktura',
    creditBalance: 'Kreditsaldo',
    creditRunsOutAt: 'Krediten tar slut (prognos)',
    quota: 'Kvot',
    capsHit: 'Kvoten nådd',
    hoursThrottled: 'Timmar vid taket',
    upgradeQuota: 'Kvot efter uppgradering',
  },
  windows: {
    hour: { one: 'timme', count: (n) => `${n} timmar` },
    day: { one: 'dag', count: (n) => `${n} dagar` },
    week: { one: 'vecka', count: (n) => `${n} veckor` },
  },
  notBefore: (date) => `inte före ${date}`,
  raiseLimit: {
    text: 'Behöver du mer? Höj din gräns genom att byta plan:',
    action: 'Höj min gräns',
  },
  unsubscribe: {
    text: 'Du får den här varningen eftersom förbrukningsvarningar är påslagna för ditt konto.',
    action: 'Avsluta förbrukningsvarningar',
  },
  unsubscribePage: {
    title: 'Förbrukningsvarningar',
    question:
      'Sluta skicka förbrukningsvarningar till det här kontot? Du får fortfarande besked när en gräns nås.',
    confirm: 'Avsluta',
    done: 'Klart: vi skickar inga fler förbrukningsvarningar. Du får fortfarande besked när en gräns nås.',
  },
};

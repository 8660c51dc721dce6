import { Decimal } from '../../common/decimal';
import { EmailPayload, TemplateName } from '../email-message';
import { EmailLinks, renderEmail } from './render';

const CUSTOMER_ID = '6f1c1d5e-3f1a-4b8e-9a43-2f6f1b0c9d11';

/** 850 000 of 1 000 000 tokens used, bill projected at 1 250.50 €, limit projected on 20 March. */
const figures = {
  meter: { name: 'GPT-4o tokens', unit: 'tokens' },
  usage: new Decimal('850000'),
  limit: new Decimal('1000000'),
  currency: 'EUR',
  projectedBill: new Decimal('1250.5'),
  limitReachedAt: new Date('2026-03-20T10:00:00Z'),
  intervalEnd: new Date('2026-04-01T00:00:00Z'),
};

const payloads: Record<TemplateName, EmailPayload> = {
  usage_threshold: {
    customerId: CUSTOMER_ID,
    template: 'usage_threshold',
    critical: false,
    data: { ...figures, thresholdPercent: 80 },
  },
  usage_limit_reached: {
    customerId: CUSTOMER_ID,
    template: 'usage_limit_reached',
    critical: true,
    data: { ...figures, usage: new Decimal('1000000') },
  },
  bill_shock: {
    customerId: CUSTOMER_ID,
    template: 'bill_shock',
    critical: false,
    data: { ...figures, usualBill: new Decimal('400') },
  },
  credit_balance_low: {
    customerId: CUSTOMER_ID,
    template: 'credit_balance_low',
    critical: false,
    data: {
      ...figures,
      creditBalance: new Decimal('75.25'),
      creditRunsOutAt: new Date('2026-03-18T00:00:00Z'),
    },
  },
  quota_pressure: {
    customerId: CUSTOMER_ID,
    template: 'quota_pressure',
    critical: false,
    // 5 hourly caps of 10 000 tokens in a week; the busiest hour asked for 13 000.
    data: {
      ...figures,
      usage: new Decimal('13000'),
      limit: new Decimal('10000'),
      limitReachedAt: null,
      window: 'hour',
      capsHit: 5,
      windowsWatched: 168,
      hoursThrottled: new Decimal('3.25'),
      upgrade: { plan: 'Scale', quota: new Decimal('50000'), projectedBill: new Decimal('2400') },
    },
  },
};

/** The templates about one limit per service interval, which all show where usage stands against it. */
const limitTemplates = Object.values(payloads).filter(
  (payload) => payload.template !== 'quota_pressure',
);

const links: EmailLinks = {
  upgrade: 'https://billing.example/upgrade',
  unsubscribe: 'https://billing.example/v1/email-preferences/unsubscribe?token=abc',
};

const acme = (locale: string) => ({ name: 'Acme', locale });

describe('renderEmail', () => {
  // U+202F groups French digits and U+00A0 Swedish ones; U+00A0 also precedes "€".
  describe.each(limitTemplates)('$template', (payload) => {
    it.each([
      ['en', 'Hello Acme,', '€1,250.50', 'March 20, 2026', '1,000,000 tokens', 'Raise my limit'],
      [
        'fr',
        'Bonjour Acme,',
        '1\u202f250,50\u00a0€',
        '20 mars 2026',
        '1\u202f000\u202f000 tokens',
        'Relever ma limite',
      ],
      [
        'sv',
        'Hej Acme,',
        '1\u00a0250,50\u00a0€',
        '20 mars 2026',
        '1\u00a0000\u00a0000 tokens',
        'Höj min gräns',
      ],
    ])(
      'in %s, names the meter, usage, limit, projected bill, limit date and upgrade link',
      (locale, greeting, bill, date, limit, raise) => {
        const email = renderEmail(payload, acme(locale), links);
        const usage = new Intl.NumberFormat(locale).format(BigInt(payload.data.usage.toFixed()));
        for (const body of [email.text, email.html]) {
          expect(body).toContain(greeting);
          expect(body).toContain('GPT-4o tokens');
          expect(body).toContain(`${usage} tokens`);
          expect(body).toContain(limit);
          expect(body).toContain(bill);
          expect(body).toContain(date);
          expect(body).toContain(links.upgrade);
        }
        expect(email.html).toContain(`>${raise}</a>`);
        expect(email.html).toContain(`<html lang="${locale}">`);
      },
    );
  });

  it.each([
    [
      'en',
      'You reached your GPT-4o tokens quota 5 times',
      'Your usage of GPT-4o tokens reached its quota of 10,000 tokens per hour 5 times in 168 hours, ' +
        'and was held at the cap for 3.25 hours in all. Your busiest hour asked for 13,000 tokens.',
      'On the Scale plan your quota would be 50,000 tokens per hour, enough for your busiest hour, ' +
        'for a bill projected at €2,400.00 this period instead of €1,250.50.',
    ],
    [
      'fr',
      'Vous avez atteint 5 fois votre quota pour GPT-4o tokens',
      'Votre consommation de GPT-4o tokens a atteint son quota de 10\u202f000 tokens par heure 5 fois en 168 heures, ' +
        'et a été bloquée au plafond 3,25 heures au total. Votre heure la plus chargée a demandé 13\u202f000 tokens.',
      'Avec l’offre Scale, votre quota serait de 50\u202f000 tokens par heure, assez pour votre heure la plus chargée, ' +
        'pour une facture estimée à 2\u202f400,00\u00a0€ sur cette période au lieu de 1\u202f250,50\u00a0€.',
    ],
    [
      'sv',
      'Du har nått din kvot för GPT-4o tokens 5 gånger',
      'Din förbrukning av GPT-4o tokens nådde sin kvot på 10\u00a0000 tokens per timme 5 gånger under 168 timmar ' +
        'och hölls vid taket i sammanlagt 3,25 timmar. Din mest belastade timme krävde 13\u00a0000 tokens.',
      'Med planen Scale skulle din kvot vara 50\u00a0000 tokens per timme, tillräckligt för din mest belastade timme, ' +
        'med en beräknad faktura på 2\u00a0400,00\u00a0€ för perioden i stället för 1\u00a0250,50\u00a0€.',
    ],
  ])(
    'tells in %s how often a quota was reached and what upgrading would change',
    (locale, subject, pressure, upgrade) => {
      const email = renderEmail(payloads.quota_pressure, acme(locale), links);
      expect(email.subject).toBe(subject);
      expect(email.text).toContain(pressure);
      expect(email.text).toContain(upgrade);
      expect(email.html).toContain(links.upgrade);
    },
  );

  it('writes the 80 % warning in French with French figures', () => {
    const email = renderEmail(payloads.usage_threshold, acme('fr'), links);
    expect(email.subject).toBe('Vous avez atteint 80\u00a0% de votre limite pour GPT-4o tokens');
    expect(email.text).toContain(
      'Votre consommation de GPT-4o tokens a atteint 85\u00a0% de votre limite\u00a0: ' +
        '850\u202f000 tokens sur 1\u202f000\u202f000 tokens pour la période en cours.',
    );
    expect(email.text).toContain(
      'À ce rythme, vous atteindrez la limite le 20 mars 2026. ' +
        'Votre facture pour cette période est estimée à 1\u202f250,50\u00a0€.',
    );
  });

  it('writes the limit-reached e-mail in Swedish', () => {
    const email = renderEmail(payloads.usage_limit_reached, acme('sv'), links);
    expect(email.subject).toBe('Du har nått din gräns för GPT-4o tokens');
    expect(email.text).toContain('Gränsen återställs den 1 april 2026.');
  });

  it('compares the projected bill with the usual one', () => {
    const email = renderEmail(payloads.bill_shock, acme('en'), links);
    expect(email.subject).toBe('Your bill is projected at €1,250.50, above your usual €400.00');
    expect(email.text).toMatch(/Usual bill\s+€400\.00/);
  });

  it('tells when the credit runs out, with large balances exact', () => {
    const payload: EmailPayload = {
      ...payloads.credit_balance_low,
      template: 'credit_balance_low',
      data: {
        ...payloads.credit_balance_low.data,
        currency: 'SEK',
        creditBalance: new Decimal('12345678901234567890.555'),
        creditRunsOutAt: new Date('2026-03-18T00:00:00Z'),
      },
    };
    const email = renderEmail(payload, acme('sv'), links);
    const balance = '12\u00a0345\u00a0678\u00a0901\u00a0234\u00a0567\u00a0890,56\u00a0kr';
    expect(email.subject).toBe(`Ditt kreditsaldo är lågt: ${balance} kvar`);
    expect(email.text).toContain('I nuvarande takt tar den slut den 18 mars 2026.');
  });

  it('says "not before" the interval end when no limit date is projected', () => {
    const payload: EmailPayload = {
      ...payloads.usage_threshold,
      data: { ...payloads.usage_threshold.data, limitReachedAt: null },
    } as EmailPayload;
    const email = renderEmail(payload, acme('en'), links);
    expect(email.text).toMatch(/Limit reached \(projected\)\s+not before April 1, 2026/);
    expect(email.text).toContain('you will stay within the limit until the period ends');
  });

  it.each([
    ['fr-CA', 'Bonjour', '1\u00a0250,50\u00a0€'],
    ['en-GB', 'Hello', '€1,250.50'],
    ['de-CH', 'Hello', '€1,250.50'],
    ['zh-Hant-TW', 'Hello', '€1,250.50'],
  ])('writes %s in the closest language we have', (locale, greeting, bill) => {
    const email = renderEmail(payloads.usage_threshold, acme(locale), links);
    expect(email.text).toContain(greeting);
    expect(email.text).toContain(bill);
  });

  it('escapes customer and meter names in HTML, and leaves the text as is', () => {
    const payload: EmailPayload = {
      ...payloads.usage_threshold,
      data: {
        ...payloads.usage_threshold.data,
        meter: { name: '<b>tokens</b>', unit: null },
      },
    } as EmailPayload;
    const email = renderEmail(payload, { name: 'Tom & Jerry <script>', locale: 'en' }, links);
    expect(email.html).toContain('Hello Tom &amp; Jerry &lt;script&gt;,');
    expect(email.html).toContain('&lt;b&gt;tokens&lt;/b&gt;');
    expect(email.html).not.toMatch(/<script>|<b>/);
    expect(email.text).toContain('Hello Tom & Jerry <script>,');
  });

  it('links to the opt-out in non-critical e-mails only', () => {
    const withLink = renderEmail(payloads.bill_shock, acme('en'), links);
    expect(withLink.text).toContain(links.unsubscribe);
    expect(withLink.html).toContain(
      'href="https://billing.example/v1/email-preferences/unsubscribe?token=abc"',
    );
    const critical = renderEmail(payloads.usage_limit_reached, acme('en'), {
      ...links,
      unsubscribe: null,
    });
    expect(critical.text).not.toContain('Unsubscribe');
    expect(critical.html).not.toContain('unsubscribe');
  });
});

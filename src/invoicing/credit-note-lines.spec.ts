import { Decimal } from '../common/decimal';
import {
  CreditableLine,
  creditNoteTotals,
  everythingLeft,
  requestedCredits,
  unusedFees,
} from './credit-note-lines';

const d = (value: string) => new Decimal(value);
const at = (iso: string) => new Date(iso);
const march = { start: at('2026-03-01T00:00:00Z'), end: at('2026-04-01T00:00:00Z') };

/** March: a 31.00 licence fee, 12.50 of usage, 5.00 of credit applied. */
const lines: CreditableLine[] = [
  {
    position: 0,
    kind: 'licence_fee',
    description: 'Platform',
    servicePeriod: march,
    amount: d('31.00'),
    credited: d('0'),
  },
  {
    position: 1,
    kind: 'usage',
    description: 'Tokens',
    servicePeriod: march,
    amount: d('12.50'),
    credited: d('2.50'),
  },
  {
    position: 2,
    kind: 'credit',
    description: 'Grant',
    servicePeriod: march,
    amount: d('-5.00'),
    credited: d('0'),
  },
];

describe('requestedCredits', () => {
  it('takes corrections within what is left of each charge line', () => {
    const result = requestedCredits(lines, [{ position: 1, amount: d('10.00') }], 'USD');
    expect(result).toEqual({
      lines: [
        { invoiceLinePosition: 1, description: 'Tokens', servicePeriod: march, amount: d('10.00') },
      ],
    });
  });

  it('refuses more than is left, across earlier notes and the same request', () => {
    // 12.50 billed, 2.50 credited before: 10.00 left; 6.00 + 4.01 is 10.01.
    const result = requestedCredits(
      lines,
      [
        { position: 1, amount: d('6.00') },
        { position: 1, amount: d('4.01') },
      ],
      'USD',
    );
    expect(result).toEqual({
      problems: [
        {
          field: 'lines[1].amount',
          problem: 'exceeds what is left to credit on line 1: 10 of 12.5 billed',
        },
      ],
    });
  });

  it('refuses credit lines, unknown lines and fractions of a cent', () => {
    const result = requestedCredits(
      lines,
      [
        { position: 2, amount: d('1') },
        { position: 9, amount: d('1') },
        { position: 0, amount: d('0.001') },
      ],
      'USD',
    );
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual([
      'lines[0].position',
      'lines[1].position',
      'lines[2].amount',
    ]);
  });
});

describe('everythingLeft', () => {
  it('reverses what is left of every line, the credit lines too', () => {
    expect(
      everythingLeft(lines).map((line) => [line.invoiceLinePosition, line.amount.toFixed(2)]),
    ).toEqual([
      [0, '31.00'],
      [1, '10.00'],
      [2, '-5.00'],
    ]);
  });
});

describe('unusedFees', () => {
  it('gives back the unused share of a fee billed in advance, by time', () => {
    // Ended March 11: 21 of March's 31 days unused → 31.00 × 21/31 = 21.00.
    const [line] = unusedFees(lines, at('2026-03-11T00:00:00Z'), 'USD');
    expect(line).toEqual({
      invoiceLinePosition: 0,
      description: 'Platform (unused after 2026-03-11T00:00:00.000Z)',
      servicePeriod: { start: at('2026-03-11T00:00:00Z'), end: march.end },
      amount: d('21.00'),
    });
  });

  it('rounds the share half-up to the minor unit and never passes what is left', () => {
    // 10 of 31 days unused: 31.00 × 10/31 = 10.00; of 49.00: 49 × 10/31 = 15.806… → 15.81
    const fee = { ...lines[0], amount: d('49.00') };
    expect(unusedFees([fee], at('2026-03-22T00:00:00Z'), 'USD')[0].amount).toEqual(d('15.81'));
    const mostlyCredited = { ...fee, credited: d('40.00') };
    expect(unusedFees([mostlyCredited], at('2026-03-22T00:00:00Z'), 'USD')[0].amount).toEqual(
      d('9.00'),
    );
  });

  it('credits nothing for a fee whose period ended by then', () => {
    expect(unusedFees(lines, at('2026-04-01T00:00:00Z'), 'USD')).toEqual([]);
  });
});

describe('creditNoteTotals', () => {
  const credited = [
    { invoiceLinePosition: 1, description: 'Tokens', servicePeriod: march, amount: d('10.00') },
  ];

  it('taxes the credited subtotal at the invoice rate, rounded once', () => {
    // 10.00 at 20 % → 2.00; total 12.00
    expect(creditNoteTotals(credited, d('20'), 'USD', d('7.70'), false)).toEqual({
      subtotal: d('10.00'),
      tax: d('2.00'),
      total: d('12.00'),
    });
  });

  it('never credits more tax than is left, and takes all of it for the whole invoice', () => {
    expect(creditNoteTotals(credited, d('20'), 'USD', d('1.50'), false).tax).toEqual(d('1.50'));
    expect(creditNoteTotals(credited, d('20'), 'USD', d('7.70'), true).tax).toEqual(d('7.70'));
  });
});

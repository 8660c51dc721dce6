/**
 * Rate minimums and plan commitments through calculateInvoice, with figures
 * worked by hand in the comments.
 */
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { PlanCommitment } from '../catalog/plan-commitment';
import { CreditLot } from '../credits/credit-lot';
import { Rate } from '../rating/rate';
import { CommitmentWindow } from './commitment-lines';
import { calculateInvoice, InvoiceInput, UsageCharge } from './invoice-calculator';

const d = (value: string) => new Decimal(value);
const interval = (start: string, end: string): Interval => ({
  start: new Date(start),
  end: new Date(end),
});
const march = interval('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
const april = interval('2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z');
const window = (of: Interval, factor = '1'): CommitmentWindow => ({
  ...of,
  prorationFactor: d(factor),
});

const calls: Rate = { model: 'per_unit', unitAmount: d('0.01'), minimumAmount: d('25.00') };
const tokens: Rate = { model: 'per_unit', unitAmount: d('0.000002') };

function charge(item: string, rate: Rate, quantity: string, of = march): UsageCharge {
  return {
    billableItemId: item,
    description: item,
    interval: of,
    rate,
    usage: { quantity: d(quantity) },
    quantity: d(quantity),
  };
}

function invoice(overrides: Partial<InvoiceInput>) {
  return calculateInvoice({
    currency: 'USD',
    taxRate: d('0'),
    usageCharges: [],
    licenceCharges: [],
    creditLots: [],
    ...overrides,
  });
}

const lines = (draft: ReturnType<typeof invoice>) =>
  draft.lines.map((line) => [line.kind, line.billableItemId, line.amount.toFixed(2)]);

describe('rate minimum spend on an invoice', () => {
  it('shows the minimum as its own line after the usage line', () => {
    // 1 234 calls × 0.01 = 12.34; the minimum 25.00 adds 12.66
    const draft = invoice({ usageCharges: [charge('calls', calls, '1234')] });
    expect(lines(draft)).toEqual([
      ['usage', 'calls', '12.34'],
      ['minimum_spend', 'calls', '12.66'],
    ]);
    expect(draft.lines[1].description).toBe('calls: minimum spend');
    expect(draft.total.toFixed(2)).toBe('25.00');
  });

  it('bills the whole minimum for zero usage', () => {
    const draft = invoice({ usageCharges: [charge('calls', calls, '0')] });
    expect(lines(draft)).toEqual([
      ['usage', 'calls', '0.00'],
      ['minimum_spend', 'calls', '25.00'],
    ]);
  });

  it('keeps usage line and minimum adding up to the rounded minimum when usage has fractions of a cent', () => {
    // 1 234.5 × 0.01 = 12.345 → 12.35; minimum line 25.00 − 12.35 = 12.65 (exact 12.655)
    const draft = invoice({ usageCharges: [charge('calls', calls, '1234.5')] });
    expect(lines(draft)).toEqual([
      ['usage', 'calls', '12.35'],
      ['minimum_spend', 'calls', '12.65'],
    ]);
    expect(draft.lines[1].exactAmount.toFixed()).toBe('12.655');
  });

  it('prorates the minimum of a cut interval', () => {
    // 10 of 31 days: 25.00 × 10/31 = 8.0645… → 8.06; usage 100 × 0.01 = 1.00; minimum line 7.06
    const cut = { ...charge('calls', calls, '100'), prorationFactor: d('10').div(31) };
    expect(lines(invoice({ usageCharges: [cut] }))).toEqual([
      ['usage', 'calls', '1.00'],
      ['minimum_spend', 'calls', '7.06'],
    ]);
  });

  it('caps a line at the maximum', () => {
    const capped: Rate = { model: 'per_unit', unitAmount: d('0.01'), maximumAmount: d('50') };
    // 9 000 × 0.01 = 90.00, capped at 50.00
    const draft = invoice({ usageCharges: [charge('calls', capped, '9000')] });
    expect(lines(draft)).toEqual([['usage', 'calls', '50.00']]);
    expect(draft.lines[0].breakdown.map((piece) => piece.amount.toFixed())).toEqual(['90', '-40']);
  });

  it('lets credit for the item pay the minimum too', () => {
    const lot: CreditLot = {
      id: 'lot',
      name: 'Included calls',
      remaining: d('20.00'),
      appliesTo: new Set(['calls']),
      validFrom: march.start,
      expiresAt: march.end,
    };
    // 12.34 + 12.66 = 25.00, 20.00 of it paid by the credit
    const draft = invoice({ usageCharges: [charge('calls', calls, '1234')], creditLots: [lot] });
    expect(draft.creditsApplied.toFixed(2)).toBe('-20.00');
    expect(draft.total.toFixed(2)).toBe('5.00');
  });
});

describe('plan commitment on an invoice', () => {
  const postPaid = (amount: string, interval: PlanCommitment['interval'] = 'service_interval') => ({
    amount: d(amount),
    interval,
    prepaid: false,
  });

  it('bills the shortfall of each service interval as a true-up line', () => {
    // March: 12 000 000 tokens × 0.000002 = 24.00 and 500 calls = 5.00 raised to 25.00 → 49.00 spent,
    // 100.00 committed → true-up 51.00
    const draft = invoice({
      usageCharges: [charge('tokens', tokens, '12000000'), charge('calls', calls, '500')],
      commitment: { commitment: postPaid('100.00'), windows: [window(march)] },
    });
    expect(lines(draft)).toEqual([
      ['usage', 'tokens', '24.00'],
      ['usage', 'calls', '5.00'],
      ['minimum_spend', 'calls', '20.00'],
      ['commitment_true_up', null, '51.00'],
    ]);
    expect(
      draft.lines[3].breakdown.map((piece) => [piece.description, piece.amount.toFixed()]),
    ).toEqual([
      ['committed 100 per service interval', '100'],
      ['usage billed in the window', '-49'],
    ]);
    expect(draft.subtotal.toFixed(2)).toBe('100.00');
  });

  it('adds nothing when the commitment is exactly met, or exceeded', () => {
    // 37 500 000 × 0.000002 = 75.00 + 25.00 minimum of calls = 100.00 exactly
    const met = invoice({
      usageCharges: [charge('tokens', tokens, '37500000'), charge('calls', calls, '0')],
      commitment: { commitment: postPaid('100.00'), windows: [window(march)] },
    });
    expect(met.lines.map((line) => line.kind)).toEqual(['usage', 'usage', 'minimum_spend']);
    expect(met.total.toFixed(2)).toBe('100.00');
    const exceeded = invoice({
      usageCharges: [charge('tokens', tokens, '60000000')], // 120.00
      commitment: { commitment: postPaid('100.00'), windows: [window(march)] },
    });
    expect(exceeded.lines.map((line) => line.kind)).toEqual(['usage']);
  });

  it('measures a billing-period commitment over every interval of the period', () => {
    const quarter = interval('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z');
    // March 40.00 + April 30.00 = 70.00 against 100.00: one true-up of 30.00 for the period
    const draft = invoice({
      usageCharges: [
        charge('tokens', tokens, '20000000', march),
        charge('tokens', tokens, '15000000', april),
      ],
      commitment: { commitment: postPaid('100.00', 'billing_period'), windows: [window(quarter)] },
    });
    const trueUps = draft.lines.filter((line) => line.kind === 'commitment_true_up');
    expect(trueUps.map((line) => [line.amount.toFixed(2), line.servicePeriod])).toEqual([
      ['30.00', quarter],
    ]);
    expect(draft.subtotal.toFixed(2)).toBe('100.00');
  });

  it('prorates the commitment of a cut window', () => {
    // half of March committed: 100.00 × 0.5 = 50.00; spent 10.00 → 40.00
    const draft = invoice({
      usageCharges: [charge('tokens', tokens, '5000000')],
      commitment: { commitment: postPaid('100.00'), windows: [window(march, '0.5')] },
    });
    expect(lines(draft).at(-1)).toEqual(['commitment_true_up', null, '40.00']);
  });

  it('bills a prepaid commitment in advance; its lot pays usage and overage is billed beyond', () => {
    const prepaid = { amount: d('100.00'), interval: 'service_interval' as const, prepaid: true };
    const commitmentLot: CreditLot = {
      id: 'commitment-march',
      name: 'Prepaid commitment',
      remaining: d('100.00'),
      appliesTo: new Set(['tokens']),
      validFrom: march.start,
      expiresAt: march.end,
    };
    // usage 60 000 000 × 0.000002 = 120.00: 100.00 drawn from the prepaid lot, 20.00 overage
    const draft = invoice({
      usageCharges: [charge('tokens', tokens, '60000000')],
      commitment: { commitment: prepaid, windows: [window(march)] },
      creditLots: [commitmentLot],
    });
    expect(lines(draft)).toEqual([
      ['usage', 'tokens', '120.00'],
      ['prepaid_commitment', null, '100.00'],
      ['credit', null, '-100.00'],
    ]);
    expect(draft.total.toFixed(2)).toBe('120.00'); // 100.00 prepaid + 20.00 overage
    // light usage: 30.00 drawn, the prepayment still billed in full
    const light = invoice({
      usageCharges: [charge('tokens', tokens, '15000000')],
      commitment: { commitment: prepaid, windows: [window(march)] },
      creditLots: [commitmentLot],
    });
    expect(light.total.toFixed(2)).toBe('100.00');
    expect(light.consumptions.map((use) => use.amount.toFixed(2))).toEqual(['30.00']);
  });
});

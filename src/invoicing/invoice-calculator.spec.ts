import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { Rate } from '../rating/rate';
import { CreditLot } from '../credits/credit-lot';
import { calculateInvoice, InvoiceInput, LicenceCharge, UsageCharge } from './invoice-calculator';

const d = (value: string | number) => new Decimal(value);
const march: Interval = {
  start: new Date('2026-03-01T00:00:00Z'),
  end: new Date('2026-04-01T00:00:00Z'),
};
const april: Interval = {
  start: new Date('2026-04-01T00:00:00Z'),
  end: new Date('2026-05-01T00:00:00Z'),
};

const graduatedTokens: Rate = {
  model: 'graduated',
  tiers: [
    { upTo: d('1000000'), unitAmount: d(0), flatAmount: d(0) },
    { upTo: null, unitAmount: d('0.000002'), flatAmount: d(0) },
  ],
};

function usage(overrides: Partial<UsageCharge> & { quantity: Decimal }): UsageCharge {
  return {
    billableItemId: 'gpt4o',
    description: 'GPT-4o tokens',
    interval: march,
    rate: graduatedTokens,
    usage: { quantity: overrides.quantity },
    ...overrides,
  };
}

function platformFee(overrides: Partial<LicenceCharge> = {}): LicenceCharge {
  return {
    billableItemId: 'platform',
    description: 'Platform fee',
    interval: { ...march, prorationFactor: d(1) },
    unitAmount: d('49.00'),
    quantity: d(1),
    ...overrides,
  };
}

function lot(overrides: Partial<CreditLot> = {}): CreditLot {
  return {
    id: 'lot-1',
    name: 'Monthly credit',
    remaining: d('10.00'),
    appliesTo: new Set(['gpt4o']),
    validFrom: march.start,
    expiresAt: march.end,
    ...overrides,
  };
}

function invoice(overrides: Partial<InvoiceInput>) {
  return calculateInvoice({
    currency: 'USD',
    taxRate: d(0),
    usageCharges: [],
    licenceCharges: [],
    creditLots: [],
    ...overrides,
  });
}

describe('calculateInvoice', () => {
  it('reproduces the contract example: fee, graduated usage, credit and 20 % tax', () => {
    const result = invoice({
      currency: 'EUR',
      taxRate: d(20),
      licenceCharges: [platformFee()],
      usageCharges: [usage({ quantity: d('1250000') })],
      creditLots: [lot()],
    });
    // 250 000 tokens over the free million × 0.000002 = 0.50; 49.00 + 0.50 = 49.50
    expect(result.lines.map((l) => [l.kind, l.amount.toFixed(2)])).toEqual([
      ['licence_fee', '49.00'],
      ['usage', '0.50'],
      ['credit', '-0.50'],
    ]);
    expect(result.subtotal.toFixed(2)).toBe('49.50');
    expect(result.creditsApplied.toFixed(2)).toBe('-0.50');
    // 20 % of (49.50 − 0.50) = 9.80
    expect(result.tax.toFixed(2)).toBe('9.80');
    expect(result.total.toFixed(2)).toBe('58.80');
    expect(result.consumptions).toEqual([{ lotId: 'lot-1', amount: d('0.50') }]);
  });

  it('rounds each line half-up to the minor unit and sums the rounded lines', () => {
    const perUnit: Rate = { model: 'per_unit', unitAmount: d('0.0125') };
    const result = invoice({
      usageCharges: [
        usage({ billableItemId: 'a', rate: perUnit, quantity: d(1) }), // 0.0125 → 0.01
        usage({ billableItemId: 'b', rate: perUnit, quantity: d(2) }), // 0.025 → 0.03
      ],
    });
    expect(result.lines.map((l) => l.exactAmount.toFixed())).toEqual(['0.0125', '0.025']);
    expect(result.lines.map((l) => l.amount.toFixed(2))).toEqual(['0.01', '0.03']);
    expect(result.total.toFixed(2)).toBe('0.04');
  });

  it.each([
    ['JPY', '1234.5', '1235'],
    ['KWD', '1.2345', '1.235'],
    ['USD', '1.005', '1.01'],
  ])('rounds %s to its minor unit', (currency, exact, rounded) => {
    const result = invoice({
      currency,
      usageCharges: [usage({ rate: { model: 'per_unit', unitAmount: d(exact) }, quantity: d(1) })],
    });
    expect(result.total.toFixed()).toBe(rounded);
  });

  it('rounds tax half-up once, on the subtotal after credits', () => {
    // 0.25 × 50 % = 0.125 → 0.13
    const result = invoice({
      taxRate: d(50),
      usageCharges: [usage({ rate: { model: 'per_unit', unitAmount: d('0.25') }, quantity: d(1) })],
    });
    expect(result.tax.toFixed(2)).toBe('0.13');
    expect(result.total.toFixed(2)).toBe('0.38');
  });

  it('prorates a licence fee and says so', () => {
    const result = invoice({
      licenceCharges: [platformFee({ interval: { ...march, prorationFactor: d(17).div(31) } })],
    });
    // 49.00 × 17/31 = 26.870967… → 26.87
    expect(result.lines[0].description).toBe('Platform fee (prorated)');
    expect(result.total.toFixed(2)).toBe('26.87');
  });

  it('uses soonest-expiring credit first and never more than a lot holds', () => {
    const result = invoice({
      usageCharges: [usage({ rate: { model: 'per_unit', unitAmount: d(1) }, quantity: d(15) })],
      creditLots: [
        lot({ id: 'top-up', name: 'Top-up', remaining: d(100), expiresAt: null }),
        lot({ id: 'grant', name: 'Monthly credit', remaining: d(10), expiresAt: march.end }),
      ],
    });
    expect(result.consumptions.map((c) => [c.lotId, c.amount.toFixed()])).toEqual([
      ['grant', '10'],
      ['top-up', '5'],
    ]);
    expect(result.creditsApplied.toFixed()).toBe('-15');
    expect(result.total.toFixed()).toBe('0');
  });

  it('applies a credit only to its billable items and inside its validity', () => {
    const result = invoice({
      licenceCharges: [platformFee()],
      usageCharges: [usage({ interval: april, quantity: d('2000000') })],
      creditLots: [
        lot({ id: 'march-grant' }), // expired when April started
        lot({ id: 'future', validFrom: new Date('2026-05-01T00:00:00Z'), expiresAt: null }),
      ],
    });
    expect(result.consumptions).toEqual([]);
    expect(result.subtotal.toFixed(2)).toBe('51.00');
  });

  it("lets a block purchase be paid by credit for every item, never by an item's own grant", () => {
    const purchase = {
      lotId: 'block-1',
      itemName: 'GPT-4o tokens',
      units: d('1000000'),
      price: d('10.00'),
      validFrom: march.start,
      expiresAt: april.end,
    };
    const itemGrantOnly = invoice({ blockPurchases: [purchase], creditLots: [lot()] });
    expect(itemGrantOnly.consumptions).toEqual([]);
    expect(itemGrantOnly.total.toFixed(2)).toBe('10.00');

    const topUp = lot({ id: 'top-up', appliesTo: null, remaining: d('4.00'), expiresAt: null });
    const withTopUp = invoice({ blockPurchases: [purchase], creditLots: [lot(), topUp] });
    expect(withTopUp.consumptions.map((c) => [c.lotId, c.amount.toFixed(2)])).toEqual([
      ['top-up', '4.00'],
    ]);
    expect(withTopUp.total.toFixed(2)).toBe('6.00');
  });

  it('charges nothing for zero usage and applies no credit to it', () => {
    const result = invoice({ usageCharges: [usage({ quantity: d(0) })], creditLots: [lot()] });
    expect(result.total.toFixed()).toBe('0');
    expect(result.lines.filter((l) => l.kind === 'credit')).toEqual([]);
  });
});

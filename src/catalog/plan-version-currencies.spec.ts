import { Decimal } from '../common/decimal';
import { createPlanVersionSchema } from './dto/plan-version.schema';
import { billingCurrency, currencyProblems, pricedIn } from './plan-version-currencies';

describe('billingCurrency', () => {
  it('bills in the customer currency when the version lists it', () => {
    expect(billingCurrency('USD', ['USD', 'EUR'], 'EUR')).toEqual({ currency: 'EUR' });
  });

  it('bills in the plan currency for a customer without one', () => {
    expect(billingCurrency('USD', ['USD', 'EUR'], null)).toEqual({ currency: 'USD' });
  });

  it('keeps a version without currencies in its plan currency, whatever the customer', () => {
    expect(billingCurrency('USD', null, 'EUR')).toEqual({ currency: 'USD' });
  });

  it('refuses a customer currency the version lists no price in', () => {
    expect(billingCurrency('USD', ['USD'], 'EUR')).toEqual({
      problem: 'bills in EUR, which this plan version has no price in (it bills in USD)',
    });
  });
});

describe('currencyProblems', () => {
  const version = (body: Record<string, unknown>) => createPlanVersionSchema.parse(body);
  const fee = (options?: Record<string, { unitAmount: string }>, billableItem = 'platform') => ({
    billableItem,
    unitAmount: '49',
    ...(options && { currencyOptions: options }),
  });

  it('accepts every listed currency priced on every entry', () => {
    const input = version({
      currencies: ['USD', 'EUR'],
      licenceFees: [fee({ EUR: { unitAmount: '45' } })],
    });
    expect(currencyProblems('USD', input)).toEqual([]);
  });

  it('names each missing or unlisted option', () => {
    const input = version({
      currencies: ['USD', 'EUR'],
      licenceFees: [fee(), fee({ EUR: { unitAmount: '45' }, GBP: { unitAmount: '40' } }, 'seats')],
    });
    expect(currencyProblems('USD', input)).toEqual([
      {
        field: 'licenceFees[0].currencyOptions.EUR',
        problem: 'is required: the version bills in EUR',
      },
      {
        field: 'licenceFees[1].currencyOptions.GBP',
        problem: "is not one of the version's currencies (USD, EUR)",
      },
    ]);
  });

  it('names the commitment amount a listed currency lacks', () => {
    const rates = [
      {
        billableItem: 'tokens',
        rate: { model: 'per_unit', unitAmount: '0.01' },
        currencyOptions: { EUR: { model: 'per_unit', unitAmount: '0.009' } },
      },
    ];
    const commitment = { amount: '100.00' };
    expect(
      currencyProblems('USD', version({ currencies: ['USD', 'EUR'], rates, commitment })),
    ).toEqual([
      { field: 'commitment.currencyOptions.EUR', problem: 'is required: the version bills in EUR' },
    ]);
    const priced = { ...commitment, currencyOptions: { EUR: { amount: '90.00' } } };
    expect(
      currencyProblems('USD', version({ currencies: ['USD', 'EUR'], rates, commitment: priced })),
    ).toEqual([]);
  });

  it('asks for currencies when options are given without them, and for the plan currency in them', () => {
    expect(
      currencyProblems('USD', version({ licenceFees: [fee({ EUR: { unitAmount: '45' } })] })),
    ).toEqual([
      {
        field: 'licenceFees[0].currencyOptions',
        problem: 'needs the version to list its currencies in `currencies`',
      },
    ]);
    expect(currencyProblems('USD', version({ currencies: ['EUR'] }))).toEqual([
      {
        field: 'currencies',
        problem: "must include the plan's currency USD (the base prices are in it)",
      },
    ]);
  });
});

describe('pricedIn', () => {
  const d = (value: string) => new Decimal(value);
  const content = {
    currencies: ['USD', 'EUR'],
    rates: [
      {
        rate: { model: 'per_unit' as const, unitAmount: d('0.01') },
        currencyOptions: { EUR: { model: 'per_unit' as const, unitAmount: d('0.009') } },
      },
    ],
    licenceFees: [{ unitAmount: d('49'), currencyOptions: { EUR: d('45') } }],
    creditGrants: [{ amount: d('10'), currencyOptions: { EUR: d('9') } }],
    commitment: { amount: d('100'), currencyOptions: { EUR: d('90') } },
    prepaidBlocks: [
      {
        tiers: [{ units: d('1000000'), price: d('10') }],
        currencyOptions: { EUR: [{ units: d('1000000'), price: d('9') }] },
      },
    ],
  };

  it('swaps every base price for the currency option', () => {
    const eur = pricedIn(content, 'USD', 'EUR');
    expect(eur.rates[0].rate).toEqual({ model: 'per_unit', unitAmount: d('0.009') });
    expect(eur.licenceFees[0].unitAmount).toEqual(d('45'));
    expect(eur.creditGrants[0].amount).toEqual(d('9'));
    expect(eur.commitment?.amount).toEqual(d('90'));
    expect(eur.prepaidBlocks[0].tiers).toEqual([{ units: d('1000000'), price: d('9') }]);
  });

  it('keeps the base prices in the plan currency', () => {
    expect(pricedIn(content, 'USD', 'USD')).toBe(content);
  });
});

import fc from 'fast-check';
import { Decimal, sumDecimals } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { priceGraduated } from './models/graduated';
import { priceGraduatedPercentage } from './models/graduated-percentage';
import { pricePackage } from './models/package';
import { pricePercentage } from './models/percentage';
import { pricePerUnit } from './models/per-unit';
import { priceVolume } from './models/volume';
import { priceItems } from './quote';
import { priceRate, rateCharge } from './rate';
import type { PackageRate, PercentageTier, Tier } from './rate';
import { percentageRate } from './rating.fixtures';

/** Non-negative decimals up to maxInteger with up to maxScale decimals, as the API accepts them. */
const decimal = (maxInteger = 10n ** 15n, maxScale = 12) =>
  fc
    .integer({ min: 0, max: maxScale })
    .chain((scale) =>
      fc
        .bigInt({ min: 0n, max: maxInteger * 10n ** BigInt(scale) })
        .map((digits) => new Decimal(`${digits}e-${scale}`)),
    );

const positiveDecimal = (maxInteger?: bigint) => decimal(maxInteger).filter((value) => value.gt(0));

/** Ascending tiers ending with an unbounded one, with non-negative prices. */
const tiers: fc.Arbitrary<Tier[]> = fc
  .array(
    fc.record({
      width: positiveDecimal(10n ** 9n),
      unitAmount: decimal(10n),
      flatAmount: decimal(1000n),
    }),
    {
      minLength: 1,
      maxLength: 5,
    },
  )
  .map((specs) => {
    let upTo = new Decimal(0);
    return specs.map(({ width, unitAmount, flatAmount }, index) => {
      upTo = upTo.plus(width);
      return { upTo: index === specs.length - 1 ? null : upTo, unitAmount, flatAmount };
    });
  });

const quantity = decimal(10n ** 10n);

/** Tiers with a quantity that is often exactly on a boundary, where off-by-one mistakes live. */
const tiersAndQuantity: fc.Arbitrary<[Tier[], Decimal]> = tiers.chain((someTiers) => {
  const boundaries = [
    new Decimal(0),
    ...someTiers.flatMap(({ upTo }) => (upTo === null ? [] : [upTo])),
  ];
  return fc.tuple(fc.constant(someTiers), fc.oneof(quantity, fc.constantFrom(...boundaries)));
});

describe('rating properties', () => {
  it('graduated: the price never decreases as the quantity grows', () => {
    fc.assert(
      fc.property(tiers, quantity, quantity, (graduatedTiers, a, b) => {
        const rate = { model: 'graduated' as const, tiers: graduatedTiers };
        const [low, high] = a.lte(b) ? [a, b] : [b, a];
        return priceGraduated(rate, { quantity: low }).amount.lte(
          priceGraduated(rate, { quantity: high }).amount,
        );
      }),
    );
  });

  it('graduated: the breakdown adds up to the amount and its units to the quantity', () => {
    fc.assert(
      fc.property(tiersAndQuantity, ([graduatedTiers, units]) => {
        const { amount, breakdown } = priceGraduated(
          { model: 'graduated', tiers: graduatedTiers },
          { quantity: units },
        );
        const pieces = breakdown.map((line) =>
          line.quantity.times(line.unitAmount ?? 0).plus(line.flatAmount ?? 0),
        );
        expect(sumDecimals(pieces).eq(amount)).toBe(true);
        expect(sumDecimals(breakdown.map((line) => line.amount)).eq(amount)).toBe(true);
        expect(sumDecimals(breakdown.map((line) => line.quantity)).eq(units)).toBe(true);
      }),
    );
  });

  it('volume: continuous at a boundary where the next tier prices the boundary quantity the same', () => {
    fc.assert(
      fc.property(
        positiveDecimal(10n ** 9n),
        decimal(10n),
        decimal(1000n),
        fc.integer({ min: 0, max: 100 }),
        positiveDecimal(10n),
        (boundary, unitAmount, flatAmount, discountPercent, step) => {
          // next tier: a lower unit price, and the flat amount that makes both tiers agree at the boundary
          const nextUnitAmount = unitAmount.times(100 - discountPercent).div(100);
          const nextFlatAmount = unitAmount.minus(nextUnitAmount).times(boundary).plus(flatAmount);
          const rate = {
            model: 'volume' as const,
            tiers: [
              { upTo: boundary, unitAmount, flatAmount },
              { upTo: null, unitAmount: nextUnitAmount, flatAmount: nextFlatAmount },
            ],
          };
          const atBoundary = priceVolume(rate, { quantity: boundary }).amount;
          const past = priceVolume(rate, { quantity: boundary.plus(step) }).amount;
          // no jump: past the boundary the price grows by exactly step × the next unit price
          expect(past.minus(atBoundary).eq(step.times(nextUnitAmount))).toBe(true);
        },
      ),
    );
  });

  it('volume: the price is the quantity at the tier containing it', () => {
    fc.assert(
      fc.property(tiersAndQuantity, ([volumeTiers, units]) => {
        const containing = volumeTiers.find(({ upTo }) => upTo === null || units.lte(upTo)) as Tier;
        const expected = units.times(containing.unitAmount).plus(containing.flatAmount);
        return priceVolume({ model: 'volume', tiers: volumeTiers }, { quantity: units }).amount.eq(
          expected,
        );
      }),
    );
  });

  it('per_unit: the price is linear in the quantity', () => {
    fc.assert(
      fc.property(
        decimal(10n),
        quantity,
        quantity,
        fc.integer({ min: 0, max: 1000 }),
        (unitAmount, a, b, k) => {
          const rate = { model: 'per_unit' as const, unitAmount };
          const price = (units: Decimal) => pricePerUnit(rate, { quantity: units }).amount;
          expect(price(a.plus(b)).eq(price(a).plus(price(b)))).toBe(true);
          expect(price(a.times(k)).eq(price(a).times(k))).toBe(true);
        },
      ),
    );
  });

  it('package: a step function, ceil or floor(quantity / size) × package amount', () => {
    fc.assert(
      fc.property(
        positiveDecimal(10n ** 6n),
        decimal(1000n),
        quantity,
        fc.constantFrom<PackageRate['rounding']>('up', 'down'),
        (packageSize, packageAmount, units, rounding) => {
          const rate: PackageRate = { model: 'package', packageSize, packageAmount, rounding };
          const quotient = units.div(packageSize);
          const packages = rounding === 'up' ? quotient.ceil() : quotient.floor();
          return pricePackage(rate, { quantity: units }).amount.eq(packages.times(packageAmount));
        },
      ),
    );
  });

  it('package with freeUnits: the price of the usage beyond the free units, never more than without them', () => {
    fc.assert(
      fc.property(
        positiveDecimal(10n ** 6n),
        decimal(1000n),
        quantity,
        quantity,
        fc.constantFrom<PackageRate['rounding']>('up', 'down'),
        (packageSize, packageAmount, units, freeUnits, rounding) => {
          const plain: PackageRate = { model: 'package', packageSize, packageAmount, rounding };
          const price = (rate: PackageRate, of: Decimal) =>
            pricePackage(rate, { quantity: of }).amount;
          const withFree = price({ ...plain, freeUnits }, units);
          const beyond = Decimal.max(0, units.minus(freeUnits));
          expect(withFree.eq(price(plain, beyond))).toBe(true);
          expect(withFree.lte(price(plain, units))).toBe(true);
          if (units.lte(freeUnits)) expect(withFree.isZero()).toBe(true);
        },
      ),
    );
  });

  it('graduated_percentage: the graduated price of the value at rate / 100 per unit, never decreasing', () => {
    const percentageTiers: fc.Arbitrary<PercentageTier[]> = tiers.chain((someTiers) =>
      fc
        .array(decimal(100n, 4), { minLength: someTiers.length, maxLength: someTiers.length })
        .map((rates) =>
          someTiers.map(({ upTo, flatAmount }, index) => ({
            upTo,
            rate: rates[index],
            flatAmount,
          })),
        ),
    );
    fc.assert(
      fc.property(percentageTiers, quantity, quantity, (ranges, a, b) => {
        const rate = { model: 'graduated_percentage' as const, tiers: ranges };
        const asGraduated = {
          model: 'graduated' as const,
          tiers: ranges.map(({ upTo, rate: percent, flatAmount }) => ({
            upTo,
            unitAmount: percent.div(100),
            flatAmount,
          })),
        };
        const price = (value: Decimal) => priceGraduatedPercentage(rate, { quantity: value });
        expect(price(a).amount.eq(priceGraduated(asGraduated, { quantity: a }).amount)).toBe(true);
        expect(sumDecimals(price(a).breakdown.map((line) => line.quantity)).eq(a)).toBe(true);
        const [low, high] = a.lte(b) ? [a, b] : [b, a];
        expect(price(low).amount.lte(price(high).amount)).toBe(true);
      }),
    );
  });

  it('spend bounds: the price is the model price clamped to [minimum, maximum], the minimum apart', () => {
    fc.assert(
      fc.property(
        tiersAndQuantity,
        decimal(1000n, 2),
        decimal(1000n, 2),
        ([someTiers, units], x, y) => {
          const [minimumAmount, maximumAmount] = x.lte(y) ? [x, y] : [y, x];
          const model = { model: 'graduated' as const, tiers: someTiers };
          const bounded = { ...model, minimumAmount, maximumAmount };
          const unbounded = priceGraduated(model, { quantity: units }).amount;
          const clamped = Decimal.min(maximumAmount, Decimal.max(minimumAmount, unbounded));
          expect(priceRate(bounded, { quantity: units }).amount.eq(clamped)).toBe(true);
          const { charge, minimumSpend } = rateCharge(bounded, { quantity: units });
          expect(charge.amount.eq(Decimal.min(maximumAmount, unbounded))).toBe(true);
          expect(sumDecimals(charge.breakdown.map((line) => line.amount)).eq(charge.amount)).toBe(
            true,
          );
          expect((minimumSpend?.amount ?? new Decimal(0)).gte(0)).toBe(true);
        },
      ),
    );
  });

  it('percentage: totals price the same as the events they sum up', () => {
    fc.assert(
      fc.property(
        fc.array(decimal(10n ** 6n, 2), { maxLength: 30 }),
        decimal(100n, 3),
        decimal(1n, 2),
        fc.integer({ min: 0, max: 10 }),
        decimal(10n ** 6n, 2),
        (values, percent, fixedAmount, freeEvents, freeAmount) => {
          const rate = {
            ...percentageRate({ rate: '0' }),
            rate: percent,
            fixedAmount,
            freeEvents: new Decimal(freeEvents),
            freeAmount,
          };
          const totals = {
            eventCount: new Decimal(values.length),
            totalValue: sumDecimals(values),
            freeEventsValue: sumDecimals(values.slice(0, freeEvents)),
          };
          const fromEvents = pricePercentage(rate, { events: values });
          expect(pricePercentage(rate, totals).amount.eq(fromEvents.amount)).toBe(true);
          expect(
            sumDecimals(fromEvents.breakdown.map((line) => line.amount)).eq(fromEvents.amount),
          ).toBe(true);
        },
      ),
    );
  });

  it('percentage: per-event bounds keep the amount between paid events × min and paid events × max', () => {
    fc.assert(
      fc.property(
        fc.array(decimal(10n ** 4n, 2), { maxLength: 30 }),
        fc.integer({ min: 0, max: 10 }),
        decimal(1n, 2),
        decimal(10n, 2),
        (values, freeEvents, minPerEvent, spread) => {
          const maxPerEvent = minPerEvent.plus(spread);
          const rate = {
            ...percentageRate({ rate: '2.9', fixedAmount: '0.3' }),
            freeEvents: new Decimal(freeEvents),
            minPerEvent,
            maxPerEvent,
          };
          const paidEvents = Math.max(0, values.length - freeEvents);
          const { amount } = pricePercentage(rate, { events: values });
          expect(amount.gte(minPerEvent.times(paidEvents))).toBe(true);
          expect(amount.lte(maxPerEvent.times(paidEvents))).toBe(true);
        },
      ),
    );
  });

  it('quote: the total is the sum of the rounded item amounts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('USD', 'JPY', 'KWD'),
        fc.array(fc.tuple(decimal(100n), quantity), { maxLength: 10 }),
        (currency, items) => {
          const quote = priceItems(
            currency,
            items.map(([unitAmount, units]) => ({
              rate: { model: 'per_unit' as const, unitAmount },
              usage: { quantity: units },
            })),
          );
          quote.items.forEach((item) =>
            expect(item.amount.eq(roundToMinorUnit(item.exactAmount, currency))).toBe(true),
          );
          expect(quote.total.eq(sumDecimals(quote.items.map((item) => item.amount)))).toBe(true);
        },
      ),
    );
  });
});

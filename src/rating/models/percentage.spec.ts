import { RatingResult } from '../breakdown';
import { InvalidRatingInputError } from '../invalid-input';
import { d, events, percentageRate } from '../rating.fixtures';
import { pricePercentage } from './percentage';

const lines = (result: RatingResult) =>
  result.breakdown.map((line) => [
    line.description,
    line.quantity.toFixed(),
    line.amount.toFixed(),
  ]);

describe('pricePercentage', () => {
  const card = percentageRate({ rate: '2.5', fixedAmount: '0.1' });

  it('charges a percentage of each value plus a fixed fee per event (the API example)', () => {
    // 2.5 % × (120 + 35.5) + 2 × 0.1 = 3.8875 + 0.2
    const result = pricePercentage(card, events('120.00', '35.50'));
    expect(result.amount.toFixed()).toBe('4.0875');
    expect(lines(result)).toEqual([
      ['2.5% of 155.5 of value', '155.5', '3.8875'],
      ['fixed fee per paid event', '2', '0.2'],
    ]);
  });

  it('costs 0 without events', () => {
    expect(pricePercentage(card, events()).amount.toFixed()).toBe('0');
  });

  describe('free events', () => {
    it('makes the first events cost nothing at all', () => {
      const rate = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeEvents: '2' });
      // only the 3rd event pays: 2.5 % × 300 + 0.1
      const result = pricePercentage(rate, events('100', '200', '300'));
      expect(result.amount.toFixed()).toBe('7.6');
      expect(lines(result)).toEqual([
        ['free events: the first 2 (value 300)', '2', '0'],
        ['2.5% of 300 of value', '300', '7.5'],
        ['fixed fee per paid event', '1', '0.1'],
      ]);
    });

    it('costs 0 when there are no more events than free ones', () => {
      const rate = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeEvents: '5' });
      expect(pricePercentage(rate, events('100', '200')).amount.toFixed()).toBe('0');
    });
  });

  describe('free amount', () => {
    it('exempts the first value from the percentage but not from the fixed fees', () => {
      const rate = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeAmount: '250' });
      // 2.5 % × (600 − 250) + 3 × 0.1 = 8.75 + 0.3
      const result = pricePercentage(rate, events('100', '200', '300'));
      expect(result.amount.toFixed()).toBe('9.05');
      expect(lines(result)).toEqual([
        ['free amount: the first 250 of value', '250', '0'],
        ['2.5% of 350 of value', '350', '8.75'],
        ['fixed fee per paid event', '3', '0.3'],
      ]);
    });

    it('covers at most the value there is', () => {
      const rate = percentageRate({ rate: '2.5', freeAmount: '1000' });
      const result = pricePercentage(rate, events('100', '200'));
      expect(result.amount.toFixed()).toBe('0');
      expect(lines(result)[0]).toEqual(['free amount: the first 1000 of value', '300', '0']);
    });
  });

  describe('free events and free amount together overlap: the larger free value wins', () => {
    it('uses the free amount when it covers more value than the free events', () => {
      const rate = percentageRate({
        rate: '2.5',
        fixedAmount: '0.1',
        freeEvents: '1',
        freeAmount: '250',
      });
      // free value max(100, 250) = 250: 2.5 % × 350 + 2 paid events × 0.1 = 8.75 + 0.2
      expect(pricePercentage(rate, events('100', '200', '300')).amount.toFixed()).toBe('8.95');
    });

    it('uses the free events when they carry more value than the free amount', () => {
      const rate = percentageRate({
        rate: '2.5',
        fixedAmount: '0.1',
        freeEvents: '2',
        freeAmount: '250',
      });
      // free value max(300, 250) = 300: 2.5 % × 300 + 1 paid event × 0.1 = 7.5 + 0.1
      expect(pricePercentage(rate, events('100', '200', '300')).amount.toFixed()).toBe('7.6');
    });
  });

  describe('minimum and maximum per event', () => {
    const bounded = percentageRate({
      rate: '2.5',
      fixedAmount: '0.1',
      minPerEvent: '0.5',
      maxPerEvent: '5',
    });

    it('raises small fees and caps large ones, event by event', () => {
      // fees: 4 → 0.2 raised to 0.5; 100 → 2.6; 1000 → 25.1 capped at 5; total 0.5 + 2.6 + 5
      const result = pricePercentage(bounded, events('4', '100', '1000'));
      expect(result.amount.toFixed()).toBe('8.1');
      expect(lines(result)).toEqual([
        ['2.5% of 1104 of value', '1104', '27.6'],
        ['fixed fee per paid event', '3', '0.3'],
        ['minimum fee per event (0.5): events raised to it', '1', '0.3'], // 0.5 − 0.2
        ['maximum fee per event (5): events capped at it', '1', '-20.1'], // 5 − 25.1
      ]);
    });

    it('applies an event fee exactly at a bound unchanged', () => {
      // 16 × 2.5 % + 0.1 = 0.5 (the minimum); 196 × 2.5 % + 0.1 = 5 (the maximum)
      expect(pricePercentage(bounded, events('16', '196')).amount.toFixed()).toBe('5.5');
    });

    it('leaves free events free, without a minimum', () => {
      const rate = percentageRate({
        rate: '2.5',
        fixedAmount: '0.1',
        freeEvents: '1',
        minPerEvent: '0.5',
      });
      // event 1 free; event 2: 4 × 2.5 % + 0.1 = 0.2, raised to 0.5
      expect(pricePercentage(rate, events('4', '4')).amount.toFixed()).toBe('0.5');
    });

    it('applies the minimum to an event whose value is inside the free amount', () => {
      const rate = percentageRate({
        rate: '2.5',
        fixedAmount: '0.1',
        freeAmount: '10',
        minPerEvent: '0.5',
      });
      // event 1 (4, all free value): fee 0.1, raised to 0.5; event 2: (104 − 10) × 2.5 % + 0.1 = 2.45
      expect(pricePercentage(rate, events('4', '100')).amount.toFixed()).toBe('2.95');
    });

    it('needs each event: totals are refused', () => {
      const totals = { eventCount: d('3'), totalValue: d('1104') };
      expect(() => pricePercentage(bounded, totals)).toThrow(InvalidRatingInputError);
      expect(() => pricePercentage(bounded, totals)).toThrow(/price it from \{ events \}/);
    });

    it('rejects a minimum above the maximum', () => {
      const inverted = percentageRate({ rate: '1', minPerEvent: '5', maxPerEvent: '1' });
      expect(() => pricePercentage(inverted, events('1'))).toThrow(
        'minPerEvent cannot exceed maxPerEvent',
      );
    });
  });

  describe('from totals, without loading events', () => {
    it('prices the same as from the events', () => {
      const totals = { eventCount: d('2'), totalValue: d('155.5') };
      expect(pricePercentage(card, totals).amount.toFixed()).toBe('4.0875');
    });

    it('needs the value of the free events when only some events are free', () => {
      const rate = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeEvents: '2' });
      const totals = { eventCount: d('3'), totalValue: d('600') };
      expect(() => pricePercentage(rate, totals)).toThrow(
        /freeEventsValue \(the value of the first 2 events\)/,
      );
      // the first two events carried 300: 2.5 % × 300 + 0.1, as from events('100', '200', '300')
      expect(pricePercentage(rate, { ...totals, freeEventsValue: d('300') }).amount.toFixed()).toBe(
        '7.6',
      );
    });

    it('does not need it when every event is free, nor for a free amount alone', () => {
      const allFree = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeEvents: '3' });
      expect(
        pricePercentage(allFree, { eventCount: d('3'), totalValue: d('600') }).amount.toFixed(),
      ).toBe('0');
      const freeAmount = percentageRate({ rate: '2.5', fixedAmount: '0.1', freeAmount: '250' });
      expect(
        pricePercentage(freeAmount, { eventCount: d('3'), totalValue: d('600') }).amount.toFixed(),
      ).toBe('9.05');
    });

    it('keeps every digit of 10^15 events', () => {
      const rate = percentageRate({ rate: '2.9', fixedAmount: '0.30' });
      const totals = { eventCount: d('1e15'), totalValue: d('123456789012345678.901234') };
      // 2.9 % × 123456789012345678.901234 + 10^15 × 0.30 = 3580246881358024.688135786 + 300000000000000
      expect(pricePercentage(rate, totals).amount.toFixed()).toBe('3880246881358024.688135786');
    });

    it('rejects a fractional event count and a free events value above the total', () => {
      expect(() => pricePercentage(card, { eventCount: d('1.5'), totalValue: d('10') })).toThrow(
        'eventCount must be a whole number, got 1.5',
      );
      const rate = percentageRate({ rate: '1', freeEvents: '1' });
      expect(() =>
        pricePercentage(rate, {
          eventCount: d('2'),
          totalValue: d('10'),
          freeEventsValue: d('11'),
        }),
      ).toThrow(InvalidRatingInputError);
    });
  });

  it('rejects a negative event value', () => {
    expect(() => pricePercentage(card, events('10', '-1'))).toThrow(
      'events[1] must be a non-negative number, got -1',
    );
  });
});

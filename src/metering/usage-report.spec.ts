import { Decimal } from '../common/decimal';
import { percentOf, reportMeters } from './usage-report';

const d = (value: string) => new Decimal(value);

describe('percentOf', () => {
  it.each([
    ['812000', '1000000', '81.2'],
    ['1', '3', '33.33'],
    ['2', '3', '66.67'],
    ['1', '8', '12.5'], // 12.5 exactly
    ['1', '800', '0.13'], // 0.125 rounds half-up
    ['1500', '1000', '150'],
    ['0', '10', '0'],
  ])('%s of %s is %s %%', (quantity, limit, expected) => {
    expect(percentOf(d(quantity), d(limit)).toFixed()).toBe(expected);
  });
});

describe('reportMeters', () => {
  it('lists meters with a limit or with usage, by key, a limited meter without usage at 0', () => {
    const byDimensions = [{ dimensions: { model: 'a' }, quantity: d('5') }];
    const report = reportMeters(
      [{ meterId: 'm1', meterKey: 'tokens', aggregation: 'sum', quantity: d('5'), byDimensions }],
      [
        { meterId: 'm2', meterKey: 'calls', quantity: d('100') },
        { meterId: 'm1', meterKey: 'tokens', quantity: d('20') },
      ],
    );
    expect(
      report.map((m) => [
        m.meterKey,
        m.quantity.toFixed(),
        m.limit?.toFixed(),
        m.percentOfLimit?.toFixed(),
      ]),
    ).toEqual([
      ['calls', '0', '100', '0'],
      ['tokens', '5', '20', '25'],
    ]);
    expect(report[0].byDimensions).toEqual([]);
    expect(report[1].byDimensions).toBe(byDimensions);
  });

  it('has no limit and no percentage for a meter without a limit', () => {
    const [meter] = reportMeters(
      [{ meterId: 'm', meterKey: 'k', aggregation: 'count', quantity: d('3'), byDimensions: [] }],
      [],
    );
    expect([meter.limit, meter.percentOfLimit]).toEqual([null, null]);
  });
});

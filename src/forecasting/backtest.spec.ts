import { backtest, BacktestReport, pooledAccuracy } from './backtest';
import {
  burstyHistory,
  constantHistory,
  d,
  flatHistory,
  monthlyIntervals,
  trendingHistory,
  weeklyHistory,
} from './forecast.fixtures';
import type { DailyHistory } from './usage-series';

const CUT_DAYS = [7, 14, 21];

/** Six monthly intervals (January–June 2024), forecast on days 7, 14 and 21 of each: 18 forecasts. */
function backtestMonths(history: DailyHistory): BacktestReport {
  return backtest({ history, intervals: monthlyIntervals(history), cutDays: CUT_DAYS });
}

const percent = (wape: BacktestReport['methodWape']) => `${wape?.toFixed(2)} %`;

describe('backtest on the synthetic series (WAPE, method vs run-rate)', () => {
  // The figures are in the test names so a reader sees the margin.
  const cases: [string, DailyHistory, 'beats' | 'is at most half a point worse than'][] = [
    ['weekly seasonality', weeklyHistory(), 'beats'],
    ['bursts', burstyHistory(), 'beats'],
    ['linear trend', trendingHistory(), 'beats'],
    ['flat', flatHistory(), 'is at most half a point worse than'],
  ];

  for (const [name, history, expectation] of cases) {
    const report = backtestMonths(history);
    const figures = `${percent(report.methodWape)} vs ${percent(report.runRateWape)}`;
    it(`${name}: the method ${expectation} the run-rate (${figures})`, () => {
      expect(report.forecasts).toBe(18);
      expect(report.byCutDay.map(({ forecasts }) => forecasts)).toEqual([6, 6, 6]);
      const method = report.methodWape ?? d(Infinity);
      const runRate = report.runRateWape ?? d(0);
      expect(expectation === 'beats' ? method.lt(runRate) : method.lte(runRate.plus('0.5'))).toBe(
        true,
      );
    });
  }
});

describe('backtest arithmetic', () => {
  // 100 a day in January, 100 in February except 200 a day over Feb 23–29.
  const history: DailyHistory = {
    ...constantHistory('100', 60),
    days: constantHistory('100', 60).days.map((quantity, index) =>
      index >= 53 ? d(200) : quantity,
    ),
  };
  const february = {
    start: new Date('2024-02-01T00:00:00Z'),
    end: new Date('2024-03-01T00:00:00Z'),
  };

  it('scores Σ|actual − forecast| ÷ Σ actual in percent', () => {
    // On Feb 8 both project 29 × 100 = 2 900; the actual is 2 900 + 7 × 100 = 3 600: 700 ÷ 3 600.
    const report = backtest({ history, intervals: [february], cutDays: [7] });
    expect(report.forecasts).toBe(1);
    expect(report.methodWape?.toFixed(2)).toBe('19.44');
    expect(report.runRateWape?.toFixed(2)).toBe('19.44');
  });

  it('skips cut points past an interval, and has no WAPE without usage', () => {
    const idle = { ...history, days: history.days.map(() => d(0)) };
    const report = backtest({ history: idle, intervals: [february], cutDays: [7, 29, 40] });
    expect(report.forecasts).toBe(1);
    expect(report.methodWape).toBeNull();
  });

  it('pools reports by their totals, not by averaging their WAPEs', () => {
    // 700 off on 3 600, and 10 off on 20 (50 %): pooled 710 ÷ 3 620, not (19.44 + 50) ÷ 2.
    const large = backtest({ history, intervals: [february], cutDays: [7] });
    const small = {
      ...large,
      actualTotal: d(20),
      methodErrorTotal: d(10),
      runRateErrorTotal: d(10),
    };
    const pooled = pooledAccuracy([large, small]);
    expect(pooled.forecasts).toBe(2);
    expect(pooled.methodWape?.toFixed(2)).toBe('19.61');
    expect(pooledAccuracy([]).methodWape).toBeNull();
  });

  it('refuses intervals off midnight or outside the history', () => {
    const offMidnight = { start: new Date('2024-02-01T12:00:00Z'), end: february.end };
    expect(() => backtest({ history, intervals: [offMidnight], cutDays: [7] })).toThrow(RangeError);
    const march = { start: february.end, end: new Date('2024-04-01T00:00:00Z') };
    expect(() => backtest({ history, intervals: [march], cutDays: [7] })).toThrow(RangeError);
  });
});

import { Decimal, ZERO } from '../../common/decimal';
import { Interval } from '../../common/period';
import { daysBetween, startOfUtcDay } from '../../forecasting/utc-days';
import { escapeHtml } from '../../notifications/templates/html';
import { MeterPanel } from '../usage-page.service';

const WIDTH = 640;
const HEIGHT = 180;
const PAD = 8;

/**
 * The interval day by day as an inline SVG, drawn on the server so it shows
 * with scripts blocked: bars of usage so far (running total for cumulative
 * meters, the day's reading for gauges), the limit as a line, and at the
 * interval's end the projection with its likely range.
 */
export function dailyChart(meter: MeterPanel, interval: Interval, label: string): string {
  const firstDay = startOfUtcDay(interval.start);
  const lastDay = startOfUtcDay(new Date(interval.end.getTime() - 1));
  const slots = daysBetween(firstDay, lastDay) + 2; // every day, and one for the projection
  let running = ZERO;
  const heights = meter.daily.map(({ quantity }) => {
    running = meter.cumulative ? running.plus(quantity) : quantity;
    return running;
  });
  const top = Decimal.max(
    new Decimal(1),
    meter.limit ?? ZERO,
    meter.projected.high,
    ...heights,
  ).times('1.05');
  const y = (value: Decimal) =>
    (
      HEIGHT -
      PAD -
      value
        .div(top)
        .times(HEIGHT - 2 * PAD)
        .toNumber()
    ).toFixed(1);
  const slot = (WIDTH - 2 * PAD) / slots;
  const x = (index: number) => (PAD + index * slot).toFixed(1);
  const barWidth = Math.max(slot * 0.8, 1).toFixed(1);
  const bars = heights
    .map(
      (value, index) =>
        `<rect class="bar" x="${x(index)}" y="${y(value)}" width="${barWidth}" height="${(HEIGHT - PAD - Number(y(value))).toFixed(1)}"><title>${meter.daily[index].day.toISOString().slice(0, 10)}: ${value.toFixed()}</title></rect>`,
    )
    .join('');
  const limit =
    meter.limit === null
      ? ''
      : `<line class="limit" x1="${PAD}" x2="${WIDTH - PAD}" y1="${y(meter.limit)}" y2="${y(meter.limit)}"/>`;
  const end = x(slots - 1);
  const band = meter.projected;
  const projection = `<rect class="band" x="${end}" y="${y(band.high)}" width="${barWidth}" height="${(Number(y(band.low)) - Number(y(band.high))).toFixed(1)}"/><rect class="projected" x="${end}" y="${y(band.expected)}" width="${barWidth}" height="2"/>`;
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${bars}${limit}${projection}</svg>`;
}

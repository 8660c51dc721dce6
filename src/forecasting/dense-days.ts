import { Decimal } from '../common/decimal';
import { DAY_MS } from './utc-days';

/** Dense days [firstDay, firstDay + count) from sparse totals: an idle day is zero. */
export function denseDays(
  sparse: ReadonlyArray<{ day: Date; quantity: Decimal }>,
  firstDay: Date,
  count: number,
): Decimal[] {
  const days = Array.from({ length: Math.max(count, 0) }, () => new Decimal(0));
  for (const { day, quantity } of sparse) {
    const index = Math.round((day.getTime() - firstDay.getTime()) / DAY_MS);
    if (index >= 0 && index < days.length) days[index] = quantity;
  }
  return days;
}

import { Decimal } from '../../common/decimal';

/**
 * The levels (percents of `limit`) that `quantity` has reached: every one of
 * them, so a jump from 0 to 120 % fires 80 and 100 together. Whether a level
 * already fired in this interval is the alerts table's unique key's business.
 */
export function levelsReached(
  quantity: Decimal,
  limit: Decimal,
  levels: readonly Decimal[],
): Decimal[] {
  if (!limit.gt(0)) return [];
  return levels.filter((level) => quantity.gte(limit.times(level).div(100)));
}

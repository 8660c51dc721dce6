import { PlanVersionLimit } from '../catalog/plan-version-with-limits-join-sql';
import { Decimal } from '../common/decimal';
import { DimensionUsage, MeterUsage } from './usage.repository';

/** A plan version's limit on a meter, as the report shows it. */
export type MeterLimit = Pick<PlanVersionLimit, 'meterId' | 'meterKey' | 'quantity'>;

export interface MeterUsageReport {
  meterKey: string;
  quantity: Decimal;
  limit: Decimal | null;
  /** quantity / limit × 100, rounded half-up to 2 decimals; null without a limit. */
  percentOfLimit: Decimal | null;
  byDimensions: DimensionUsage[];
}

/** Every meter that has a limit or has usage, by key; a limited meter without usage shows 0. */
export function reportMeters(usage: MeterUsage[], limits: MeterLimit[]): MeterUsageReport[] {
  const usageByKey = new Map(usage.map((meter) => [meter.meterKey, meter]));
  const limitByKey = new Map(limits.map((limit) => [limit.meterKey, limit.quantity]));
  const keys = [...new Set([...usageByKey.keys(), ...limitByKey.keys()])].sort();
  return keys.map((meterKey) => {
    const quantity = usageByKey.get(meterKey)?.quantity ?? new Decimal(0);
    const limit = limitByKey.get(meterKey) ?? null;
    return {
      meterKey,
      quantity,
      limit,
      percentOfLimit: limit && percentOf(quantity, limit),
      byDimensions: usageByKey.get(meterKey)?.byDimensions ?? [],
    };
  });
}

export function percentOf(quantity: Decimal, limit: Decimal): Decimal {
  return quantity.div(limit).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

import { Decimal } from '../common/decimal';
import { Aggregation } from './dto/meter.schema';

/**
 * The catalog's read contract for the customers module's read of
 * subscriptions with the plan version in force (what the usage report, alert
 * evaluation after ingest, entitlement checks and forecasts look at): composed
 * into that statement, so a batch of subscriptions stays one query on those
 * hot paths. Only the catalog names its tables; callers read the columns
 * listed below and turn `limits` into values with `planVersionLimits`.
 */

/** A usage limit of a plan version, with its meter. */
export interface PlanVersionLimit {
  meterId: string;
  meterKey: string;
  meterName: string;
  unit: string | null;
  aggregation: Aggregation;
  quantity: Decimal;
}

/** One limit as the `limits` column carries it. */
export interface PlanVersionLimitJson {
  meter_id: string;
  meter_key: string;
  name: string;
  unit: string | null;
  aggregation: Aggregation;
  quantity: string;
}

/**
 * `JOIN LATERAL` of the version `versionId` (an SQL expression) as `alias`,
 * with its `id`, `version`, `service_interval_unit`, `service_interval_count`,
 * its plan's `plan_id` and `plan_key`, and `limits`: a JSON array of
 * PlanVersionLimitJson by meter key.
 */
export const planVersionWithLimitsJoin = (versionId: string, alias: string) =>
  `JOIN LATERAL (
     SELECT v.id, v.version, v.service_interval_unit, v.service_interval_count, p.id AS plan_id, p.key AS plan_key,
            coalesce((SELECT json_agg(json_build_object('meter_id', m.id, 'meter_key', m.key, 'name', m.name,
                                                        'unit', m.unit, 'aggregation', m.aggregation,
                                                        'quantity', l.quantity::text) ORDER BY m.key)
                      FROM plan_version_limits l JOIN meters m ON m.id = l.meter_id
                      WHERE l.plan_version_id = v.id), '[]') AS limits
     FROM plan_versions v JOIN plans p ON p.id = v.plan_id
     WHERE v.id = ${versionId}) ${alias} ON true`;

export function planVersionLimits(limits: readonly PlanVersionLimitJson[]): PlanVersionLimit[] {
  return limits.map((limit) => ({
    meterId: limit.meter_id,
    meterKey: limit.meter_key,
    meterName: limit.name,
    unit: limit.unit,
    aggregation: limit.aggregation,
    quantity: new Decimal(limit.quantity),
  }));
}

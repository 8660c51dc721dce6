import { ScheduleInput } from '../common/billing-schedule';
import { CalendarUnit } from '../common/period';

/**
 * The columns that make a subscription's calendar, for queries over a
 * subscription `s` (its calendar columns) joined to `v`, the plan version in
 * force (`plan_version_at(s.id, $at)`) or a catalog fragment exposing its
 * `service_interval_unit` and `service_interval_count`.
 */
export const SCHEDULE_COLUMNS = `s.start_date, s.end_date, s.billing_cadence_unit, s.billing_cadence_count,
  s.billing_anchor_day, v.service_interval_unit, v.service_interval_count`;

export interface ScheduleRow {
  start_date: Date;
  end_date: Date | null;
  billing_cadence_unit: CalendarUnit;
  billing_cadence_count: number;
  billing_anchor_day: number | null;
  service_interval_unit: CalendarUnit;
  service_interval_count: number;
}

export function scheduleFromRow(row: ScheduleRow): ScheduleInput {
  return {
    subscriptionStart: row.start_date,
    subscriptionEnd: row.end_date,
    billingCadence: { unit: row.billing_cadence_unit, count: row.billing_cadence_count },
    anchorDay: row.billing_anchor_day,
    serviceInterval: { unit: row.service_interval_unit, count: row.service_interval_count },
  };
}

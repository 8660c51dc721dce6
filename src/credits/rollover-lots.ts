/**
 * Rollover of plan credit grants. Pure.
 *
 * A grant with `rollover` carries what its lot left unused when it expired into
 * a `rollover` lot that starts where the lot ended: at most `maximumAmount`
 * (e.g. one interval's grant), usable until the end of the
 * `expiresAfterIntervals`-th service interval counted from the one it starts
 * (1 = the end of that interval), with the subscription's end as the latest.
 * Rolled-over credit does not roll again. This is the "rollover settings" of
 * Metronome's credit grants: "rollover_amount" as a maximum amount and its own
 * "expires_at" (https://www.rubydoc.info/gems/metronome-sdk/MetronomeSDK/Models/V1/CreditGrantCreateParams/RolloverSettings),
 * and Zuora's rollover with a "Maximum Rollover Quantity" and its own end date.
 *
 * A lot rolls over once its last usage is billed, so the amount it left is final:
 * the billing run does it in the invoice's transaction (billing-run.service.ts).
 */
import { Decimal } from '../common/decimal';
import { currentServiceInterval, ScheduleInput } from '../common/billing-schedule';
import { expiryAfterIntervals } from './grant-lots';

/** An expired grant lot with credit left, and its grant's rollover terms. */
export interface RolloverSource {
  lotId: string;
  customerId: string;
  subscriptionId: string;
  name: string;
  currency: string;
  remaining: Decimal;
  /** Billable item ids; null = every item. */
  appliesTo: string[] | null;
  expiresAt: Date;
  maximumAmount: Decimal;
  expiresAfterIntervals: number;
}

export interface NewRolloverLot {
  rolledOverFrom: string;
  customerId: string;
  subscriptionId: string;
  name: string;
  currency: string;
  amount: Decimal;
  appliesTo: string[] | null;
  validFrom: Date;
  expiresAt: Date | null;
}

export function rolloverLots(
  sources: readonly RolloverSource[],
  schedule: ScheduleInput,
): NewRolloverLot[] {
  return sources.flatMap((source) => {
    // Nothing to roll into once the subscription has ended.
    const next = currentServiceInterval(schedule, source.expiresAt);
    const amount = Decimal.min(source.remaining, source.maximumAmount);
    if (next === null || !amount.gt(0)) return [];
    return [
      {
        rolledOverFrom: source.lotId,
        customerId: source.customerId,
        subscriptionId: source.subscriptionId,
        name: `${source.name} (rolled over)`,
        currency: source.currency,
        amount,
        appliesTo: source.appliesTo,
        validFrom: source.expiresAt,
        expiresAt: expiryAfterIntervals(schedule, next, source.expiresAfterIntervals),
      },
    ];
  });
}

import { MeterCredit } from './entitlement-usage.repository';

/**
 * Whether what the customer holds for a meter pays usage past a hard quota
 * with `overage: credits`: credit left in the ledger, or units left in
 * prepaid blocks of the meter's items (they pay that usage at billing just
 * as credit does). One rule for the check and for `enforce`.
 */
export function creditPaysOverage(credit: MeterCredit | null | undefined): boolean {
  return !!credit && (credit.balance.gt(0) || credit.prepaidUnits.gt(0));
}

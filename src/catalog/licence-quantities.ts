import { Decimal } from '../common/decimal';
import { FieldProblem } from '../common/errors';
import { PlanVersionRecord } from './plan-version.repository';

/** A licence fee the request leaves out is billed once, as a platform fee would be. */
export const DEFAULT_LICENCE_QUANTITY = new Decimal(1);

type LicenceFee = PlanVersionRecord['licenceFees'][number];

/** Each licence fee of the version with its quantity: the one given by billable item key, else 1. */
export function licenceQuantitiesOf(
  version: PlanVersionRecord,
  given: Readonly<Record<string, Decimal>>,
): Array<{ fee: LicenceFee; quantity: Decimal }> {
  const quantities = new Map(Object.entries(given));
  return version.licenceFees.map((fee) => ({
    fee,
    quantity: quantities.get(fee.billableItem.key) ?? DEFAULT_LICENCE_QUANTITY,
  }));
}

/** `licenceQuantities` may name only the version's licence fees; each other key is a problem. */
export function licenceQuantityProblems(
  given: Readonly<Record<string, Decimal>>,
  planKey: string,
  version: PlanVersionRecord,
): FieldProblem[] {
  const fees = version.licenceFees.map((fee) => fee.billableItem.key);
  const offered = fees.length > 0 ? fees.join(', ') : 'none';
  return Object.keys(given)
    .filter((key) => !fees.includes(key))
    .map((key) => ({
      field: `licenceQuantities.${key}`,
      problem: `is not a licence fee of plan '${planKey}' version ${version.version} (it has: ${offered})`,
    }));
}

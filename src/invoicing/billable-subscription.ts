import { Decimal } from '../common/decimal';
import { Cadence } from '../common/period';
import { PlanChange } from '../customers/plan-changes';

/** What billing reads about a subscription and its customer. */
export interface BillableSubscription {
  id: string;
  customerId: string;
  customerExternalId: string;
  /** What its invoices are in: chosen when it was created (catalog/plan-version-currencies.ts). */
  currency: string;
  /** Percent, from the customer. */
  taxRate: Decimal;
  start: Date;
  end: Date | null;
  billingCadence: Cadence;
  anchorDay: number | null;
  /** The version the subscription was created on. */
  planVersionId: string;
  /** Later versions, oldest first. */
  planChanges: PlanChange[];
  /** Licence quantities by billable item id, as subscribed. */
  licenceQuantities: ReadonlyMap<string, Decimal>;
  /** Quantities changed now, each from its instant on (plan-phases.ts, licenceQuantityAt). */
  licenceChanges?: readonly LicenceQuantityChange[];
}

export interface LicenceQuantityChange {
  billableItemId: string;
  quantity: Decimal;
  effectiveAt: Date;
}

import { PlanCommitment } from '../catalog/plan-commitment';
import { Decimal } from '../common/decimal';
import { Cadence } from '../common/period';
import { GrantToIssue } from '../credits/grant-lots';
import { Rate } from '../rating/rate';

/** A billable item as an invoice line needs it. */
export interface BillingItem {
  id: string;
  key: string;
  name: string;
}

/** A metered item: which events of which meter its rate prices. */
export interface MeteredItem extends BillingItem {
  meterId: string;
  /** Dimension values an event must carry, e.g. `{"model": "gpt-4o"}`; `{}` takes every event. */
  filter: Record<string, string>;
}

/** A plan version in the shape invoicing reads it. Versions are immutable, so this never goes stale. */
export interface BillingPlan {
  versionId: string;
  planKey: string;
  version: number;
  /** The currency its prices are in: the subscription's (a version may price several). */
  currency: string;
  serviceInterval: Cadence;
  rates: Array<{ item: MeteredItem; rate: Rate }>;
  licenceFees: Array<{ item: BillingItem; unitAmount: Decimal }>;
  creditGrants: GrantToIssue[];
  commitment: PlanCommitment | null;
}

import { Decimal } from '../common/decimal';

/** Credit that can still pay for charges: a plan grant or a top-up, with what is left of it. */
export interface CreditLot {
  id: string;
  name: string;
  remaining: Decimal;
  /** Billable item ids the credit pays for; null = every item. */
  appliesTo: ReadonlySet<string> | null;
  validFrom: Date;
  expiresAt: Date | null;
}

/** Credit taken from one lot by one invoice. */
export interface CreditConsumption {
  lotId: string;
  amount: Decimal;
}

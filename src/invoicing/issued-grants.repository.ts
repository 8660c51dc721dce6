import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NewGrantLot } from '../credits/credit-ledger.repository';

/** The unique key of a plan grant lot in credit_lots: subscription, grant and interval start. */
export function grantLotKey(
  lot: Pick<NewGrantLot, 'subscriptionId' | 'planCreditGrantId' | 'validFrom'>,
): string {
  return `${lot.subscriptionId}/${lot.planCreditGrantId}/${lot.validFrom.toISOString()}`;
}

/**
 * Which plan grant lots of a customer are already in the ledger: a preview adds
 * the others in memory, since the billing run (or the grant job) issues them later.
 */
@Injectable()
export class IssuedGrantsRepository {
  constructor(private readonly db: DataSource) {}

  /** Keys (grantLotKey) of the customer's grant lots valid from `since` on. */
  async keysSince(customerId: string, since: Date): Promise<Set<string>> {
    const rows: Array<{ subscription_id: string; plan_credit_grant_id: string; valid_from: Date }> =
      await this.db.query(
        `SELECT subscription_id, plan_credit_grant_id, valid_from FROM credit_lots
         WHERE customer_id = $1 AND kind = 'grant' AND valid_from >= $2`,
        [customerId, since.toISOString()],
      );
    return new Set(
      rows.map((row) =>
        grantLotKey({
          subscriptionId: row.subscription_id,
          planCreditGrantId: row.plan_credit_grant_id,
          validFrom: row.valid_from,
        }),
      ),
    );
  }
}

import { Decimal } from '../common/decimal';
import { CreditLedgerRepository, grantLotKey } from '../credits/credit-ledger.repository';
import { NewGrantLot } from '../credits/grant-lots';
import { Queryable } from '../database/transaction';
import { BillingContext, CreditSource } from './invoice-builder.service';
import { CreditConsumption, CreditLot } from '../credits/credit-lot';

/**
 * A billing run's credit: issue the grant lots of the billed intervals (a lot
 * already issued is left alone), then take the customer's lots in the invoice
 * currency locked until the invoice's transaction ends, so no credit is spent twice.
 */
export function ledgerCredits(ledger: CreditLedgerRepository): CreditSource {
  return {
    async lots(db: Queryable, context: BillingContext, grantLots: NewGrantLot[]) {
      await ledger.issueGrantLots(db, grantLots);
      return ledger.availableLots(db, context.subscription.customerId, context.plan.currency, {
        forUpdate: true,
      });
    },
  };
}

/**
 * A preview's credit, in memory: the lots read once, plus the grant lots of the
 * previewed intervals that are not issued yet. Several previews of one customer
 * share it: `spend` takes what one consumed before the next one draws.
 */
export class CreditSnapshot implements CreditSource {
  private readonly byId: Map<string, CreditLot>;
  /** Grant lots the previews added because the ledger does not hold them yet. */
  readonly pendingGrants: NewGrantLot[] = [];

  constructor(
    lots: readonly CreditLot[],
    private readonly issuedGrantKeys: ReadonlySet<string>,
  ) {
    this.byId = new Map(lots.map((lot) => [lot.id, { ...lot }]));
  }

  async lots(
    _db: Queryable,
    _context: BillingContext,
    grantLots: NewGrantLot[],
  ): Promise<CreditLot[]> {
    for (const lot of grantLots) {
      const id = `pending:${grantLotKey(lot)}`;
      if (this.issuedGrantKeys.has(grantLotKey(lot)) || this.byId.has(id)) continue;
      this.pendingGrants.push(lot);
      this.byId.set(id, {
        id,
        name: lot.name,
        remaining: lot.amount,
        appliesTo: new Set(lot.appliesTo),
        validFrom: lot.validFrom,
        expiresAt: lot.expiresAt,
      });
    }
    return this.available();
  }

  /** The lots with credit left, as previous spends left them. */
  available(): CreditLot[] {
    return [...this.byId.values()].filter((lot) => lot.remaining.gt(0));
  }

  /** Takes what a preview consumed out of the lots; answers each consumption with its lot. */
  spend(consumptions: readonly CreditConsumption[]): Array<{ lot: CreditLot; amount: Decimal }> {
    return consumptions.map(({ lotId, amount }) => {
      const lot = this.byId.get(lotId);
      if (!lot)
        throw new Error(`a preview consumed credit lot ${lotId}, which the snapshot does not hold`);
      lot.remaining = lot.remaining.minus(amount);
      return { lot, amount };
    });
  }
}

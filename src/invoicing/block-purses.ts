import { Decimal } from '../common/decimal';
import { PrepaidBlockLot, PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { Queryable } from '../database/transaction';
import { BillingContext, InvoiceBlocks } from './invoice-builder.service';
import { InvoiceDraft } from './invoice-calculator';

/**
 * The prepaid blocks of invoices priced one after another: a billing run's
 * round (invoice-chunk.service.ts) or a customer's previews (upcoming invoice,
 * credit balance), so both draw alike. Lots are read once and drawn in memory
 * invoice after invoice, so two invoices of one customer never draw the same
 * units; a purchase goes on the first invoice of its subscription.
 */
export class BlockPurses {
  private readonly remaining: Map<string, Decimal>;
  private readonly billed = new Set<string>();

  constructor(
    private readonly lots: readonly PrepaidBlockLot[],
    private readonly purchases: readonly PrepaidBlockLot[],
  ) {
    this.remaining = new Map(lots.map((lot) => [lot.id, lot.units.minus(lot.drawn)]));
  }

  /**
   * The lots and unbilled purchases of these invoices' customers and
   * subscriptions, in two reads; with `forUpdate` (a billing run) the lots
   * stay locked until the transaction ends.
   */
  static async load(
    db: Queryable,
    repository: PrepaidBlockRepository,
    contexts: readonly BillingContext[],
    options: { forUpdate?: boolean } = {},
  ): Promise<BlockPurses> {
    if (contexts.length === 0) return new BlockPurses([], []);
    // drawBlocks matches each lot to the intervals it covers: here only the lots expired before all of them are left out
    const since = new Date(
      Math.min(
        ...contexts.map(({ usageIntervals, period }) =>
          (usageIntervals[0]?.start ?? period.start).getTime(),
        ),
      ),
    );
    const lots = await repository.availableOf(
      db,
      contexts.map(({ subscription, plan }) => ({
        customerId: subscription.customerId,
        currency: plan.currency,
      })),
      since,
      options,
    );
    const purchases = await repository.unbilledOf(
      db,
      contexts.map(({ subscription }) => ({
        customerId: subscription.customerId,
        subscriptionId: subscription.id,
      })),
    );
    return new BlockPurses(lots, purchases);
  }

  /** What the invoice of `context` draws on and bills, as the invoices spent before it left the lots. */
  of(context: BillingContext): InvoiceBlocks {
    const { subscription, plan } = context;
    const itemNames = new Map(
      [plan, ...context.usageParts.map((part) => part.plan)].flatMap(({ rates }) =>
        rates.map(({ item }) => [item.id, item.name] as const),
      ),
    );
    return {
      lots: this.lots
        .filter((lot) => lot.customerId === subscription.customerId)
        .filter((lot) => lot.currency === plan.currency)
        .map((lot) => ({ ...lot, remaining: this.remaining.get(lot.id) as Decimal }))
        .filter((lot) => lot.remaining.gt(0)),
      purchases: this.purchases
        .filter((lot) => lot.subscriptionId === subscription.id && !this.billed.has(lot.id))
        .map((lot) => ({
          ...lot,
          lotId: lot.id,
          itemName: itemNames.get(lot.billableItemId) ?? lot.billableItemKey,
        })),
    };
  }

  /** Takes an invoice's draws and the purchases it billed off, for the invoices priced after it. */
  spend(draft: Pick<InvoiceDraft, 'blockDraws' | 'blockPurchasesBilled'>): void {
    for (const { lotId, units } of draft.blockDraws) {
      const left = this.remaining.get(lotId);
      if (!left)
        throw new Error(`an invoice drew prepaid block lot ${lotId}, which it was not given`);
      this.remaining.set(lotId, left.minus(units));
    }
    for (const lotId of draft.blockPurchasesBilled) this.billed.add(lotId);
  }
}

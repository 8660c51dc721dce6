import { Decimal } from '../common/decimal';
import { InvoiceLineDraft } from './invoice-line';

/** A prepaid block lot bought and not yet billed. */
export interface BlockPurchase {
  lotId: string;
  itemName: string;
  units: Decimal;
  price: Decimal;
  validFrom: Date;
  expiresAt: Date;
}

/**
 * The purchase billed on the subscription's next invoice, dated over the lot's
 * validity. Pure. It names no billable item: credit granted for the item's
 * usage does not pay for blocks of it (only credit for every item does).
 */
export function blockPurchaseLine(purchase: BlockPurchase): InvoiceLineDraft {
  const units = purchase.units.toFixed();
  return {
    kind: 'prepaid_block',
    billableItemId: null,
    creditLotId: null,
    description: `${purchase.itemName}: prepaid block of ${units} units`,
    quantity: purchase.units,
    unitAmount: null,
    servicePeriod: { start: purchase.validFrom, end: purchase.expiresAt },
    exactAmount: purchase.price,
    amount: purchase.price,
    breakdown: [{ description: 'prepaid block', quantity: purchase.units, amount: purchase.price }],
  };
}

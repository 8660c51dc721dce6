import { toDecimalString } from '../../common/decimal';
import { formatMoney } from '../../common/money';
import { PrepaidBlockView } from '../prepaid-blocks.service';

export function toPrepaidBlockResponse(lot: PrepaidBlockView) {
  return {
    id: lot.id,
    subscriptionId: lot.subscriptionId,
    billableItem: lot.billableItemKey,
    currency: lot.currency,
    units: toDecimalString(lot.units),
    drawn: toDecimalString(lot.drawn),
    remaining: toDecimalString(lot.units.minus(lot.drawn)),
    price: formatMoney(lot.price, lot.currency),
    validFrom: lot.validFrom.toISOString(),
    expiresAt: lot.expiresAt.toISOString(),
    status: lot.status,
    invoiceId: lot.invoiceId,
    createdAt: lot.createdAt.toISOString(),
  };
}

export function toPrepaidBlockListResponse(lots: PrepaidBlockView[]) {
  return { data: lots.map(toPrepaidBlockResponse) };
}

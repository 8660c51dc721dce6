/**
 * Turns priced charges into an invoice: lines, credits, tax and totals. Pure.
 *
 * Rounding happens once, here: every charge line is rounded half-up to the
 * currency's minor unit (money.ts); credits are taken from the rounded lines;
 * tax is the customer's rate applied to the subtotal after credits, rounded
 * once; totals are sums of rounded figures, so the lines add up to the total a
 * customer checks.
 *
 * A rate's minimum spend is its own `minimum_spend` line beside the usage line
 * (rounded so the two add up to the rounded minimum); a plan commitment adds
 * its true-up or prepayment lines (commitment-lines.ts) after the usage lines.
 *
 * Prepaid blocks (block-drawdown.ts) take their units off the usage charges
 * before the rates price them; blocks bought since the last invoice are billed
 * as `prepaid_block` lines.
 *
 * Credits: each charge line draws on the credit lots that may pay for it (the
 * lot applies to its billable item, was valid before the line's service period
 * ended and had not expired when it started), soonest-expiring first (a lot
 * without expiry last; ties by grant date), and shows as one negative line per
 * lot used.
 */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { Interval } from '../common/period';
import { CreditConsumption, CreditLot } from '../credits/credit-lot';
import { rateCharge, Rate, Usage } from '../rating/rate';
import { LicenceInterval } from '../common/billing-schedule';
import { BlockDraw, BlockLotBalance, drawBlocks } from './block-drawdown';
import { BlockPurchase, blockPurchaseLine } from './block-purchase-lines';
import { commitmentLines, InvoiceCommitment } from './commitment-lines';
import { InvoiceLineDraft } from './invoice-line';

export interface UsageCharge {
  billableItemId: string;
  description: string;
  interval: Interval;
  rate: Rate;
  usage: Usage;
  /** What the line shows as its quantity (units, or the events' total value for a percentage rate). */
  quantity: Decimal;
  /** The interval's share of a full one, which prorates the rate's minimum spend; 1 when absent. */
  prorationFactor?: Decimal;
}

export interface LicenceCharge {
  billableItemId: string;
  description: string;
  interval: LicenceInterval;
  unitAmount: Decimal;
  quantity: Decimal;
}

export interface InvoiceDraft {
  lines: InvoiceLineDraft[];
  subtotal: Decimal;
  /** Zero or negative. */
  creditsApplied: Decimal;
  tax: Decimal;
  total: Decimal;
  consumptions: CreditConsumption[];
  blockDraws: BlockDraw[];
  /** The block lots whose purchase the invoice bills. */
  blockPurchasesBilled: string[];
}

export interface InvoiceInput {
  currency: string;
  /** Percent: "20" = 20 %. */
  taxRate: Decimal;
  usageCharges: readonly UsageCharge[];
  licenceCharges: readonly LicenceCharge[];
  creditLots: readonly CreditLot[];
  /** The plan's commitment over the windows this invoice bills; absent without one. */
  commitment?: InvoiceCommitment | null;
  /** The customer's prepaid block lots with units left; none when absent. */
  blockLots?: readonly BlockLotBalance[];
  /** Blocks bought and not yet billed. */
  blockPurchases?: readonly BlockPurchase[];
}

export function calculateInvoice(input: InvoiceInput): InvoiceDraft {
  const drawdown = drawBlocks(input.usageCharges, input.blockLots ?? []);
  const usage = drawdown.usageCharges.flatMap((charge) => usageLines(charge, input.currency));
  const chargeLines = [
    ...input.licenceCharges.map((charge) => licenceLine(charge, input.currency)),
    ...(input.blockPurchases ?? []).map(blockPurchaseLine),
    ...usage,
    ...drawdown.lines,
    ...(input.commitment ? commitmentLines(input.commitment, usage, input.currency) : []),
  ].sort((a, b) => a.servicePeriod.start.getTime() - b.servicePeriod.start.getTime());
  const subtotal = sumDecimals(chargeLines.map((line) => line.amount));

  const consumptions = applyCredits(chargeLines, input.creditLots);
  const creditLines = consumptions.map(({ lot, amount, servicePeriod }) =>
    creditLine(lot, amount, servicePeriod),
  );
  const creditsApplied = sumDecimals(creditLines.map((line) => line.amount));

  const taxable = subtotal.plus(creditsApplied);
  const tax = roundToMinorUnit(taxable.times(input.taxRate).div(100), input.currency);
  return {
    lines: [...chargeLines, ...creditLines],
    subtotal,
    creditsApplied,
    tax,
    total: taxable.plus(tax),
    consumptions: consumptions.map(({ lot, amount }) => ({ lotId: lot.id, amount })),
    blockDraws: drawdown.draws,
    blockPurchasesBilled: (input.blockPurchases ?? []).map((purchase) => purchase.lotId),
  };
}

/** The usage line, and the minimum spend line when the rate's minimum raises it. */
function usageLines(charge: UsageCharge, currency: string): InvoiceLineDraft[] {
  const { charge: priced, minimumSpend } = rateCharge(
    charge.rate,
    charge.usage,
    charge.prorationFactor,
  );
  const servicePeriod = { start: charge.interval.start, end: charge.interval.end };
  const usage: InvoiceLineDraft = {
    kind: 'usage',
    billableItemId: charge.billableItemId,
    creditLotId: null,
    description: charge.description,
    quantity: charge.quantity,
    unitAmount: charge.rate.model === 'per_unit' ? charge.rate.unitAmount : null,
    servicePeriod,
    exactAmount: priced.amount,
    amount: roundToMinorUnit(priced.amount, currency),
    breakdown: priced.breakdown,
  };
  if (!minimumSpend) return [usage];
  // The two lines add up to the rounded minimum, whichever way the usage line rounded.
  const minimum = roundToMinorUnit(priced.amount.plus(minimumSpend.amount), currency);
  return [
    usage,
    {
      kind: 'minimum_spend',
      billableItemId: charge.billableItemId,
      creditLotId: null,
      description: `${charge.description}: minimum spend`,
      quantity: null,
      unitAmount: null,
      servicePeriod,
      exactAmount: minimumSpend.amount,
      amount: minimum.minus(usage.amount),
      breakdown: [minimumSpend],
    },
  ];
}

function licenceLine(charge: LicenceCharge, currency: string): InvoiceLineDraft {
  const { prorationFactor } = charge.interval;
  const exactAmount = charge.unitAmount.times(charge.quantity).times(prorationFactor);
  const prorated = !prorationFactor.equals(1);
  return {
    kind: 'licence_fee',
    billableItemId: charge.billableItemId,
    creditLotId: null,
    description: prorated ? `${charge.description} (prorated)` : charge.description,
    quantity: charge.quantity,
    unitAmount: charge.unitAmount,
    servicePeriod: { start: charge.interval.start, end: charge.interval.end },
    exactAmount,
    amount: roundToMinorUnit(exactAmount, currency),
    breakdown: [
      {
        description: prorated
          ? `prorated × ${prorationFactor.toSignificantDigits(6).toFixed()}`
          : 'licence fee',
        quantity: charge.quantity,
        unitAmount: charge.unitAmount,
        amount: exactAmount,
      },
    ],
  };
}

interface LotUse {
  lot: CreditLot;
  amount: Decimal;
  servicePeriod: Interval;
}

function applyCredits(lines: readonly InvoiceLineDraft[], lots: readonly CreditLot[]): LotUse[] {
  const remaining = new Map(lots.map((lot) => [lot.id, lot.remaining]));
  const uses = new Map<string, LotUse>();
  for (const line of lines) {
    let due = line.amount;
    for (const lot of eligibleLots(line, lots)) {
      if (!due.gt(0)) break;
      const available = remaining.get(lot.id) ?? ZERO;
      const take = Decimal.min(available, due);
      if (!take.gt(0)) continue;
      remaining.set(lot.id, available.minus(take));
      due = due.minus(take);
      recordUse(uses, lot, take, line.servicePeriod);
    }
  }
  return [...uses.values()];
}

function eligibleLots(line: InvoiceLineDraft, lots: readonly CreditLot[]): CreditLot[] {
  const { start, end } = line.servicePeriod;
  return lots
    .filter(
      (lot) =>
        (lot.appliesTo === null ||
          (line.billableItemId !== null && lot.appliesTo.has(line.billableItemId))) &&
        lot.validFrom < end &&
        (lot.expiresAt === null || lot.expiresAt > start),
    )
    .sort(soonestExpiringFirst);
}

function soonestExpiringFirst(a: CreditLot, b: CreditLot): number {
  const expiry = (lot: CreditLot) => lot.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return (
    expiry(a) - expiry(b) ||
    a.validFrom.getTime() - b.validFrom.getTime() ||
    a.id.localeCompare(b.id)
  );
}

function recordUse(
  uses: Map<string, LotUse>,
  lot: CreditLot,
  amount: Decimal,
  period: Interval,
): void {
  const use = uses.get(lot.id);
  if (!use) {
    uses.set(lot.id, { lot, amount, servicePeriod: { ...period } });
    return;
  }
  use.amount = use.amount.plus(amount);
  if (period.start < use.servicePeriod.start) use.servicePeriod.start = period.start;
  if (period.end > use.servicePeriod.end) use.servicePeriod.end = period.end;
}

function creditLine(lot: CreditLot, used: Decimal, servicePeriod: Interval): InvoiceLineDraft {
  return {
    kind: 'credit',
    billableItemId: null,
    creditLotId: lot.id,
    description: lot.name,
    quantity: null,
    unitAmount: null,
    servicePeriod,
    exactAmount: used.negated(),
    amount: used.negated(),
    breakdown: [
      { description: `credit applied: ${lot.name}`, quantity: used, amount: used.negated() },
    ],
  };
}

/**
 * What a credit note credits, line by line, and its totals. Pure.
 *
 * A credit note corrects an issued invoice without changing it. As Stripe
 * recommends, each credit refers to an invoice line item and takes a fixed
 * amount off it, and several notes may credit one invoice
 * (https://docs.stripe.com/invoicing/integration/programmatic-credit-notes);
 * the credits of a line, across all notes, keep its sign and never add up to
 * more than it billed. Voiding may issue one for what is left (Lago,
 * https://getlago.com/docs/v2/guide/invoicing/void.md).
 *
 * Amounts are in the invoice's currency and already rounded (the lines they
 * credit are); tax is the invoice's rate on the credited subtotal, rounded
 * once (Lago's worked example: 10.00 off a fee taxed at 20 % is a 12.00 note,
 * https://getlago.com/docs/v2/guide/invoicing/credit-notes/overview.md), and never more than the invoice's tax not credited yet. A note that
 * credits everything left (a void) takes exactly the tax left, so an invoice
 * and its credit notes reconcile to zero.
 */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import { FieldProblem } from '../common/errors';
import { roundToMinorUnit } from '../common/money';
import { Interval } from '../common/period';
import { InvoiceLineKind } from './invoice-line';

/** An issued invoice line and what earlier credit notes credited of it. */
export interface CreditableLine {
  position: number;
  kind: InvoiceLineKind;
  description: string;
  servicePeriod: Interval;
  amount: Decimal;
  credited: Decimal;
}

export interface CreditNoteLineDraft {
  invoiceLinePosition: number;
  description: string;
  servicePeriod: Interval;
  amount: Decimal;
}

/** A correction asked for by a person: this much off that line. */
export interface LineCredit {
  position: number;
  amount: Decimal;
}

export interface CreditNoteTotals {
  subtotal: Decimal;
  tax: Decimal;
  total: Decimal;
}

/** What is left to credit of a line (same sign as the line, zero when fully credited). */
export function remainingOf(line: CreditableLine): Decimal {
  return line.amount.minus(line.credited);
}

/** Everything left on the invoice, charges and the credit lines that paid part of them: a void. */
export function everythingLeft(lines: readonly CreditableLine[]): CreditNoteLineDraft[] {
  return lines
    .filter((line) => !remainingOf(line).isZero())
    .map((line) => ({
      invoiceLinePosition: line.position,
      description: line.description,
      servicePeriod: line.servicePeriod,
      amount: remainingOf(line),
    }));
}

/**
 * The fees billed in advance for service after `end`: each licence fee line
 * whose service period runs past it, credited for the unused share of its
 * period by time (a line of 31 days ended after 10 gives back 21/31 of it),
 * rounded to the minor unit, and never more than is left of it.
 */
export function unusedFees(
  lines: readonly CreditableLine[],
  end: Date,
  currency: string,
): CreditNoteLineDraft[] {
  return lines.flatMap((line) => {
    const { start, end: lineEnd } = line.servicePeriod;
    if (line.kind !== 'licence_fee' || lineEnd <= end || !line.amount.gt(0)) return [];
    const from = start > end ? start : end;
    const share = new Decimal(lineEnd.getTime() - from.getTime()).div(
      lineEnd.getTime() - start.getTime(),
    );
    const amount = Decimal.min(
      roundToMinorUnit(line.amount.times(share), currency),
      remainingOf(line),
    );
    if (!amount.gt(0)) return [];
    return [
      {
        invoiceLinePosition: line.position,
        description: `${line.description} (unused after ${end.toISOString()})`,
        servicePeriod: { start: from, end: lineEnd },
        amount,
      },
    ];
  });
}

/** Corrections asked for line by line: charge lines only, each within what is left of it. */
export function requestedCredits(
  lines: readonly CreditableLine[],
  credits: readonly LineCredit[],
  currency: string,
): { lines: CreditNoteLineDraft[] } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const drafts: CreditNoteLineDraft[] = [];
  const asked = new Map<number, Decimal>();
  credits.forEach((credit, index) => {
    const field = `lines[${index}]`;
    const line = lines.find((candidate) => candidate.position === credit.position);
    if (!line) {
      problems.push({
        field: `${field}.position`,
        problem: `the invoice has no line ${credit.position}`,
      });
      return;
    }
    if (line.kind === 'credit') {
      problems.push({
        field: `${field}.position`,
        problem: `line ${line.position} is a credit line: only charges can be credited`,
      });
      return;
    }
    if (!roundToMinorUnit(credit.amount, currency).equals(credit.amount)) {
      problems.push({
        field: `${field}.amount`,
        problem: `must be in whole minor units of ${currency}`,
      });
      return;
    }
    const total = (asked.get(line.position) ?? ZERO).plus(credit.amount);
    asked.set(line.position, total);
    if (total.gt(remainingOf(line))) {
      problems.push({
        field: `${field}.amount`,
        problem: `exceeds what is left to credit on line ${line.position}: ${remainingOf(line).toFixed()} of ${line.amount.toFixed()} billed`,
      });
      return;
    }
    drafts.push({
      invoiceLinePosition: line.position,
      description: line.description,
      servicePeriod: line.servicePeriod,
      amount: credit.amount,
    });
  });
  return problems.length > 0 ? { problems } : { lines: drafts };
}

/**
 * Totals of a credit note: `taxLeft` is the invoice's tax not credited by
 * earlier notes; `wholeInvoice` (everything left is credited) takes all of it.
 */
export function creditNoteTotals(
  lines: readonly CreditNoteLineDraft[],
  taxRate: Decimal,
  currency: string,
  taxLeft: Decimal,
  wholeInvoice: boolean,
): CreditNoteTotals {
  const subtotal = sumDecimals(lines.map((line) => line.amount));
  const tax = wholeInvoice
    ? taxLeft
    : Decimal.min(roundToMinorUnit(subtotal.times(taxRate).div(100), currency), taxLeft);
  return { subtotal, tax, total: subtotal.plus(tax) };
}

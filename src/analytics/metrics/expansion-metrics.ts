import { Decimal } from '../../common/decimal';
import { Month } from '../month';
import { MonthMovements, percentage } from './revenue-metrics';

/**
 * Upsell signals of one month: customers with an alert recommending an upgrade
 * fired that month (UTC), and how many of them expanded (MRR up from a month
 * with MRR > 0) in one of the next 3 months. A proxy for won deals, which the
 * CRM does not report back: an expansion may have other causes, and for the
 * last 3 months the window is not over yet, so their conversion can still rise.
 * The CRM's own answer (deals won and lost) is `CrmDealsOfMonth`, beside it.
 */
export interface UpsellSignals {
  month: Month;
  signalledCustomers: number;
  convertedCustomers: number;
}

export interface ExpansionMonth {
  month: Month;
  /** Customers with MRR > 0 in the month, and those of them whose MRR went up from last month. */
  activeCustomers: number;
  expandingCustomers: number;
  /** expandingCustomers / activeCustomers, as a percentage; null without active customers. */
  expandingShare: string | null;
  expansion: Decimal;
  contraction: Decimal;
  /** expansion − contraction. */
  netExpansion: Decimal;
  signalledCustomers: number;
  convertedCustomers: number;
  /** convertedCustomers / signalledCustomers, as a percentage; null without signals. */
  signalConversion: string | null;
  /** What sales did with the deals our signals opened that month, read back from the CRM. */
  crmDeals: CrmDealsOfMonth;
}

/** Deals opened in the CRM by our signals in a month, and how they ended. */
export interface CrmDealsOfMonth {
  opened: number;
  won: number;
  lost: number;
  open: number;
  /** won / opened, as a percentage; null without deals. */
  wonConversion: string | null;
  /** Annual revenue of the won deals, in the reporting currency. */
  wonArr: Decimal;
  /** Won deals whose currency has no exchange rate: left out of wonArr, never guessed. */
  wonUnconverted: number;
}

const NO_DEALS: CrmDealsOfMonth = {
  opened: 0,
  won: 0,
  lost: 0,
  open: 0,
  wonConversion: null,
  wonArr: new Decimal(0),
  wonUnconverted: 0,
};

/** Expansion metrics of each month of `movements`, with that month's upsell signals (none when absent). */
export function expansionMonths(
  movements: MonthMovements[],
  signals: UpsellSignals[],
  crmDeals: ReadonlyMap<Month, CrmDealsOfMonth> = new Map(),
): ExpansionMonth[] {
  const signalsOf = new Map(signals.map((s) => [s.month, s]));
  return movements.map((m) => {
    const signalled = signalsOf.get(m.month)?.signalledCustomers ?? 0;
    const converted = signalsOf.get(m.month)?.convertedCustomers ?? 0;
    return {
      month: m.month,
      activeCustomers: m.customers.active,
      expandingCustomers: m.customers.expanded,
      expandingShare: percentage(
        new Decimal(m.customers.expanded),
        new Decimal(m.customers.active),
      ),
      expansion: m.expansion,
      contraction: m.contraction,
      netExpansion: m.expansion.minus(m.contraction),
      signalledCustomers: signalled,
      convertedCustomers: converted,
      signalConversion: percentage(new Decimal(converted), new Decimal(signalled)),
      crmDeals: crmDeals.get(m.month) ?? NO_DEALS,
    };
  });
}

import { formatMoney } from '../../../common/money';
import { ExpansionMonth } from '../expansion-metrics';
import {
  Cohort,
  MonthMovements,
  RetentionSums,
  quickRatio,
  retentionRates,
} from '../revenue-metrics';

/** Response shapes of API.md "Revenue analytics"; amounts in the reporting currency as decimal strings. */
export function toMovementsResponse(currency: string, months: MonthMovements[]) {
  const money = (amount: MonthMovements['new']) => formatMoney(amount, currency);
  return {
    currency,
    months: months.map((m) => ({
      month: m.month,
      openingMrr: money(m.openingMrr),
      new: money(m.new),
      expansion: money(m.expansion),
      contraction: money(m.contraction),
      churned: money(m.churned),
      reactivated: money(m.reactivated),
      closingMrr: money(m.closingMrr),
      quickRatio: quickRatio(m)?.toFixed(2) ?? null,
      customers: { ...m.customers },
    })),
  };
}

export function toRetentionResponse(currency: string, sums: RetentionSums) {
  return {
    month: sums.month,
    baseMonth: sums.baseMonth,
    ...retentionRates(sums),
    baseCustomers: sums.baseCustomers,
    retainedCustomers: sums.retainedCustomers,
    currency,
    baseMrr: formatMoney(sums.baseMrr, currency),
    currentMrr: formatMoney(sums.currentMrr, currency),
  };
}

export function toCohortsResponse(currency: string, cohorts: Cohort[]) {
  return {
    currency,
    cohorts: cohorts.map((c) => ({
      cohort: c.cohort,
      customers: c.customers,
      startingMrr: formatMoney(c.startingMrr, currency),
      months: c.months.map((m) => ({
        offset: m.offset,
        month: m.month,
        revenueRetention: m.revenueRetention,
        logoRetention: m.logoRetention,
        mrr: formatMoney(m.mrr, currency),
        activeCustomers: m.activeCustomers,
      })),
    })),
  };
}

export function toExpansionResponse(currency: string, months: ExpansionMonth[]) {
  return {
    currency,
    months: months.map((m) => ({
      month: m.month,
      activeCustomers: m.activeCustomers,
      expandingCustomers: m.expandingCustomers,
      expandingShare: m.expandingShare,
      expansion: formatMoney(m.expansion, currency),
      contraction: formatMoney(m.contraction, currency),
      netExpansion: formatMoney(m.netExpansion, currency),
      signalledCustomers: m.signalledCustomers,
      convertedCustomers: m.convertedCustomers,
      signalConversion: m.signalConversion,
      crmDeals: {
        opened: m.crmDeals.opened,
        won: m.crmDeals.won,
        lost: m.crmDeals.lost,
        open: m.crmDeals.open,
        wonConversion: m.crmDeals.wonConversion,
        wonArr: formatMoney(m.crmDeals.wonArr, currency),
        wonUnconverted: m.crmDeals.wonUnconverted,
      },
    })),
    /**
     * signalConversion is a proxy (signalled customers whose MRR rose within
     * 3 months); crmDeals is what sales recorded in the CRM.
     */
    signalConversionBasis: 'proxy: signalled customers whose MRR rose within 3 months',
  };
}

export type MovementsResponse = ReturnType<typeof toMovementsResponse>;
export type RetentionResponse = ReturnType<typeof toRetentionResponse>;
export type CohortsResponse = ReturnType<typeof toCohortsResponse>;
export type ExpansionResponse = ReturnType<typeof toExpansionResponse>;

import {
  CohortsResponse,
  ExpansionResponse,
  MovementsResponse,
  RetentionResponse,
} from './analytics.response';

type Cell = string | number | null;

/** RFC 4180 CSV: a header line, then one line per row; null is an empty cell. */
export function toCsv(header: string[], rows: Cell[][]): string {
  const cell = (value: Cell) => {
    const text = value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** One row per month. */
export function movementsCsv(body: MovementsResponse): string {
  return toCsv(
    [
      'month',
      'currency',
      'openingMrr',
      'new',
      'expansion',
      'contraction',
      'churned',
      'reactivated',
      'closingMrr',
      'quickRatio',
      'newCustomers',
      'expandedCustomers',
      'contractedCustomers',
      'churnedCustomers',
      'reactivatedCustomers',
      'activeCustomers',
    ],
    body.months.map((m) => [
      m.month,
      body.currency,
      m.openingMrr,
      m.new,
      m.expansion,
      m.contraction,
      m.churned,
      m.reactivated,
      m.closingMrr,
      m.quickRatio,
      m.customers.new,
      m.customers.expanded,
      m.customers.contracted,
      m.customers.churned,
      m.customers.reactivated,
      m.customers.active,
    ]),
  );
}

/** One row: the month asked for. */
export function retentionCsv(body: RetentionResponse): string {
  return toCsv(
    [
      'month',
      'baseMonth',
      'nrr',
      'grr',
      'logoRetention',
      'baseCustomers',
      'retainedCustomers',
      'currency',
      'baseMrr',
      'currentMrr',
    ],
    [
      [
        body.month,
        body.baseMonth,
        body.nrr,
        body.grr,
        body.logoRetention,
        body.baseCustomers,
        body.retainedCustomers,
        body.currency,
        body.baseMrr,
        body.currentMrr,
      ],
    ],
  );
}

/** One row per cohort and offset. */
export function cohortsCsv(body: CohortsResponse): string {
  return toCsv(
    [
      'cohort',
      'customers',
      'startingMrr',
      'offset',
      'month',
      'revenueRetention',
      'logoRetention',
      'mrr',
      'activeCustomers',
      'currency',
    ],
    body.cohorts.flatMap((c) =>
      c.months.map((m) => [
        c.cohort,
        c.customers,
        c.startingMrr,
        m.offset,
        m.month,
        m.revenueRetention,
        m.logoRetention,
        m.mrr,
        m.activeCustomers,
        body.currency,
      ]),
    ),
  );
}

/** One row per month, the JSON fields in order. */
export function expansionCsv(body: ExpansionResponse): string {
  return toCsv(
    [
      'month',
      'currency',
      'activeCustomers',
      'expandingCustomers',
      'expandingShare',
      'expansion',
      'contraction',
      'netExpansion',
      'signalledCustomers',
      'convertedCustomers',
      'signalConversion',
    ],
    body.months.map((m) => [
      m.month,
      body.currency,
      m.activeCustomers,
      m.expandingCustomers,
      m.expandingShare,
      m.expansion,
      m.contraction,
      m.netExpansion,
      m.signalledCustomers,
      m.convertedCustomers,
      m.signalConversion,
    ]),
  );
}

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { CustomerRow, customersOf } from '../../database/customer-routing';
import { Queryable } from '../../database/transaction';
import { Month, firstDay } from '../month';
import { REVENUE_LINE_SOURCES, RevenueLineSources } from './revenue-line-sources.port';

export interface ImportedRevenue {
  customerId: string;
  month: Month;
  currency: string;
  originalAmount: Decimal;
  amount: Decimal;
}

/**
 * Revenue recognition of one finalized invoice, by calendar month (UTC): each
 * line's amount (before tax) is spread over its service period by time, so a
 * usage interval or licence fee spanning two months is split between them by
 * the seconds in each; credit lines (negative) are netted the same way over
 * their own period, which spans the lines they paid for. Amounts stay exact
 * here; the ledger's triggers round each customer-month once into
 * customer_month_mrr (migration 1795000000091).
 */
const MONTH_SHARES = `
  CROSS JOIN LATERAL (
    SELECT month::date AS month,
           CASE WHEN l.service_period_end <= l.service_period_start THEN l.amount
                ELSE l.amount
                  * extract(epoch FROM least(l.service_period_end, (month + interval '1 month') AT TIME ZONE 'UTC')
                                     - greatest(l.service_period_start, month AT TIME ZONE 'UTC'))
                  / extract(epoch FROM l.service_period_end - l.service_period_start)
           END AS amount
    FROM generate_series(
      date_trunc('month', l.service_period_start AT TIME ZONE 'UTC'),
      greatest(l.service_period_start, l.service_period_end - interval '1 microsecond') AT TIME ZONE 'UTC',
      interval '1 month') AS month
  ) share`;

const RECORD_INVOICE = (lines: string) => `
  INSERT INTO revenue_months (customer_id, month, source, invoice_id, currency, original_amount, amount)
  SELECT l.customer_id, share.month, 'invoice', l.invoice_id, l.currency,
         sum(share.amount), sum(share.amount) * fx.rate
  FROM (${lines}) l
  ${MONTH_SHARES}
  LEFT JOIN unnest($2::text[], $3::numeric[]) AS fx (currency, rate) ON fx.currency = l.currency
  GROUP BY l.customer_id, share.month, l.invoice_id, l.currency, fx.rate
  ON CONFLICT (invoice_id, customer_id, month) WHERE source = 'invoice' DO NOTHING`;

/**
 * A credit note takes its lines' amounts back the same way, over the service
 * period each credits (for an early end, the unused part of the fee's period).
 * Its rows carry the credited invoice, so voiding that invoice later drops them too.
 */
const RECORD_CREDIT_NOTE = (lines: string) => `
  INSERT INTO revenue_months (customer_id, month, source, invoice_id, credit_note_id, currency, original_amount, amount)
  SELECT l.customer_id, share.month, 'credit_note', l.invoice_id, l.credit_note_id, l.currency,
         -sum(share.amount), -sum(share.amount) * fx.rate
  FROM (${lines}) l
  ${MONTH_SHARES}
  LEFT JOIN unnest($2::text[], $3::numeric[]) AS fx (currency, rate) ON fx.currency = l.currency
  GROUP BY l.customer_id, share.month, l.invoice_id, l.credit_note_id, l.currency, fx.rate
  ON CONFLICT (credit_note_id, customer_id, month) WHERE source = 'credit_note' DO NOTHING`;

@Injectable()
export class RevenueLedgerRepository {
  constructor(
    private readonly db: DataSource,
    @Inject(REVENUE_LINE_SOURCES) private readonly lines: RevenueLineSources,
  ) {}

  /** Records finalized invoices' revenue, in the finalizing transaction; recording one again adds nothing. */
  async recordInvoices(
    tx: Queryable,
    invoices: readonly CustomerRow[],
    rates: { currencies: string[]; rates: string[] },
  ): Promise<void> {
    await tx.query(RECORD_INVOICE(this.lines.finalizedInvoiceLines('$1::uuid[]', '$4::uuid[]')), [
      invoices.map((invoice) => invoice.id),
      rates.currencies,
      rates.rates,
      customersOf(invoices),
    ]);
  }

  /** Records a credit note's negative revenue, in the issuing transaction; again adds nothing. */
  async recordCreditNote(
    tx: Queryable,
    creditNoteId: string,
    rates: { currencies: string[]; rates: string[] },
  ): Promise<void> {
    await tx.query(RECORD_CREDIT_NOTE(this.lines.creditNoteLines('$1::uuid')), [
      creditNoteId,
      rates.currencies,
      rates.rates,
    ]);
  }

  /**
   * Rounds customer-month MRR to `minorUnits` decimals from now on; when that
   * differs from what was used so far, rebuilds the maintained MRR from the ledger.
   */
  async useMinorUnits(minorUnits: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      const changed: unknown[] = await tx.query(
        'UPDATE revenue_rounding SET minor_units = $1 WHERE minor_units <> $1 RETURNING minor_units',
        [minorUnits],
      );
      if (changed.length > 0) await tx.query('SELECT rebuild_customer_mrr()');
    });
  }

  /** Upserts imported months: a month imported again replaces that customer's imported amount. */
  async upsertImports(rows: ImportedRevenue[]): Promise<void> {
    await this.db.query(
      `INSERT INTO revenue_months (customer_id, month, source, currency, original_amount, amount)
       SELECT customer_id, month, 'import', currency, original_amount, amount
       FROM unnest($1::uuid[], $2::date[], $3::text[], $4::numeric[], $5::numeric[])
         AS row (customer_id, month, currency, original_amount, amount)
       ON CONFLICT (customer_id, month) WHERE source = 'import' DO UPDATE
         SET currency = excluded.currency, original_amount = excluded.original_amount,
             amount = excluded.amount, recorded_at = now()`,
      [
        rows.map((row) => row.customerId),
        rows.map((row) => firstDay(row.month)),
        rows.map((row) => row.currency),
        rows.map((row) => row.originalAmount.toFixed()),
        rows.map((row) => row.amount.toFixed()),
      ],
    );
  }
}

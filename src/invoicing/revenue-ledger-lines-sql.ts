import { RevenueLineSources } from '../analytics/ledger/revenue-line-sources.port';

/**
 * Invoicing's read contract for the revenue ledger (its `REVENUE_LINE_SOURCES`
 * port, bound in revenue-ledger-lines.module.ts): the lines of invoices and
 * credit notes as SQL relations the ledger composes into its INSERT … SELECT.
 * Only invoicing names its tables and columns.
 */
export const REVENUE_LEDGER_LINES: RevenueLineSources = {
  finalizedInvoiceLines: (invoiceIds, customerIds) => `
    SELECT l.customer_id, i.id AS invoice_id, i.currency, l.amount,
           l.service_period_start, l.service_period_end
    FROM invoices i
    JOIN invoice_lines l ON l.customer_id = i.customer_id AND l.invoice_id = i.id
    WHERE i.id = ANY(${invoiceIds}) AND i.customer_id = ANY(${customerIds}) AND i.status = 'finalized'`,
  creditNoteLines: (creditNoteId) => `
    SELECT l.customer_id, n.invoice_id, n.id AS credit_note_id, n.currency, l.amount,
           l.service_period_start, l.service_period_end
    FROM credit_notes n
    JOIN credit_note_lines l ON l.credit_note_id = n.id
    WHERE n.id = ${creditNoteId}`,
};

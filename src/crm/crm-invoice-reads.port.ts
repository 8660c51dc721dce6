/**
 * The invoices the CRM sync pushes and the totals it shows on accounts: a port
 * the CRM module owns and invoicing provides (crm-invoice-reads.module.ts), as
 * invoicing imports the CRM module to enqueue invoices and `invoices` is
 * invoicing's table.
 */
export interface CrmInvoiceRow {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  periodStart: Date;
  periodEnd: Date;
}

export interface CrmInvoiceReads {
  /**
   * Each customer's latest finalized invoice total, by period: what "last
   * invoice total" means whichever invoice's message is delivered last
   * (retries reorder them). One read for all of them.
   */
  latestInvoiceTotals(customerIds: readonly string[]): Promise<Map<string, string>>;

  /** Finalized (or since voided) invoices by id, in one read; drafts have no number and are never pushed. */
  invoices(ids: readonly string[]): Promise<Map<string, CrmInvoiceRow>>;
}

export const CRM_INVOICE_READS = Symbol('CrmInvoiceReads');

import { Global, Module } from '@nestjs/common';
import { CRM_INVOICE_READS } from '../crm/crm-invoice-reads.port';
import { CrmInvoiceReadsRepository } from './crm-invoice-reads.repository';

/**
 * Binds the CRM's invoice port to invoicing's tables. Global, so the CRM
 * module injects the port without importing invoicing, which imports the CRM
 * module to enqueue invoices: dependencies point one way.
 */
@Global()
@Module({
  providers: [{ provide: CRM_INVOICE_READS, useClass: CrmInvoiceReadsRepository }],
  exports: [CRM_INVOICE_READS],
})
export class CrmInvoiceReadsModule {}

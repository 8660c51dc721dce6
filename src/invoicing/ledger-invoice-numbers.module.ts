import { Global, Module } from '@nestjs/common';
import { LEDGER_INVOICE_NUMBERS } from '../credits/ledger-invoice-numbers.port';
import { LedgerInvoiceNumbersRepository } from './ledger-invoice-numbers.repository';

/**
 * Binds the credit ledger's invoice-number port to invoicing's table. Global,
 * so the credits module injects the port without importing invoicing, which
 * imports credits to spend credit: dependencies point one way.
 */
@Global()
@Module({
  providers: [{ provide: LEDGER_INVOICE_NUMBERS, useClass: LedgerInvoiceNumbersRepository }],
  exports: [LEDGER_INVOICE_NUMBERS],
})
export class LedgerInvoiceNumbersModule {}

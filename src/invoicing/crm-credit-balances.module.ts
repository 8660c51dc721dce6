import { Global, Module } from '@nestjs/common';
import { CRM_CREDIT_BALANCES } from '../crm/crm-account-ports';
import { AccountCreditBalances } from './account-credit-balances.service';
import { InvoicingModule } from './invoicing.module';

/**
 * Binds the CRM's credit-balance port to invoicing's balances. Global, so the
 * CRM module injects the port without importing invoicing, which imports the
 * CRM module to enqueue invoices: dependencies point one way.
 */
@Global()
@Module({
  imports: [InvoicingModule],
  providers: [{ provide: CRM_CREDIT_BALANCES, useExisting: AccountCreditBalances }],
  exports: [CRM_CREDIT_BALANCES],
})
export class CrmCreditBalancesModule {}

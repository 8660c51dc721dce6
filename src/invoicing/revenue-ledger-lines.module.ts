import { Global, Module } from '@nestjs/common';
import { REVENUE_LINE_SOURCES } from '../analytics/ledger/revenue-line-sources.port';
import { REVENUE_LEDGER_LINES } from './revenue-ledger-lines-sql';

/**
 * Binds the revenue ledger's line port to invoicing's tables. Global, so the
 * ledger injects the port without importing invoicing, which imports the
 * ledger to record the invoices it finalizes: dependencies point one way.
 */
@Global()
@Module({
  providers: [{ provide: REVENUE_LINE_SOURCES, useValue: REVENUE_LEDGER_LINES }],
  exports: [REVENUE_LINE_SOURCES],
})
export class RevenueLedgerLinesModule {}

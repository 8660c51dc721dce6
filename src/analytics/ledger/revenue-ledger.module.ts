import { Module } from '@nestjs/common';
import { ExchangeRates } from './exchange-rates.service';
import { RevenueLedgerRepository } from './revenue-ledger.repository';
import { RevenueRecorder } from './revenue-recorder.service';
import { RevenueRounding } from './revenue-rounding.service';

/**
 * The revenue ledger's write side, with no dependency on other feature
 * modules, so invoicing can import it for its finalization hook without a cycle.
 */
@Module({
  providers: [ExchangeRates, RevenueLedgerRepository, RevenueRecorder, RevenueRounding],
  exports: [ExchangeRates, RevenueLedgerRepository, RevenueRecorder],
})
export class RevenueLedgerModule {}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { minorUnits } from '../../common/money';
import { ExchangeRates } from './exchange-rates.service';
import { RevenueLedgerRepository } from './revenue-ledger.repository';

/**
 * Tells the database the reporting currency's minor units at start-up: the
 * triggers that maintain customer-month MRR round with them, and the reporting
 * currency is configuration the database cannot read.
 */
@Injectable()
export class RevenueRounding implements OnModuleInit {
  constructor(
    private readonly ledger: RevenueLedgerRepository,
    private readonly rates: ExchangeRates,
  ) {}

  onModuleInit(): Promise<void> {
    return this.ledger.useMinorUnits(minorUnits(this.rates.reportingCurrency));
  }
}

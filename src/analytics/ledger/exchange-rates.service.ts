import { Injectable } from '@nestjs/common';
import { Decimal } from '../../common/decimal';
import { AppConfig } from '../../config/app-config';

/** The configured rates to the reporting currency (EXCHANGE_RATES; the reporting currency is 1). */
@Injectable()
export class ExchangeRates {
  constructor(private readonly config: AppConfig) {}

  get reportingCurrency(): string {
    return this.config.reportingCurrency;
  }

  /** The amount in the reporting currency, or null when `currency` has no configured rate. */
  convert(amount: Decimal, currency: string): Decimal | null {
    const rate = this.config.exchangeRates.get(currency);
    return rate === undefined ? null : amount.times(rate);
  }

  /** Currencies and rates as parallel arrays, for SQL that converts many rows at once. */
  asArrays(): { currencies: string[]; rates: string[] } {
    const entries = [...this.config.exchangeRates];
    return {
      currencies: entries.map(([currency]) => currency),
      rates: entries.map(([, rate]) => rate.toFixed()),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from '../../common/errors';
import { CustomerRepository } from '../../customers/customer.repository';
import { RevenueImportInput } from './dto/revenue-import.schema';
import { ExchangeRates } from './exchange-rates.service';
import { ImportedRevenue, RevenueLedgerRepository } from './revenue-ledger.repository';

export interface RevenueImportResult {
  imported: number;
  reportingCurrency: string;
}

/**
 * Imports monthly revenue from a previous billing system. All rows or none:
 * an unknown customer, a currency without a rate or a customer-month given twice
 * is a 400 naming the row. Importing a month again replaces its imported amount.
 */
@Injectable()
export class RevenueImportService {
  constructor(
    private readonly ledger: RevenueLedgerRepository,
    private readonly customers: CustomerRepository,
    private readonly rates: ExchangeRates,
  ) {}

  async import(input: RevenueImportInput): Promise<RevenueImportResult> {
    const customers = await this.customers.findByExternalIds([
      ...new Set(input.rows.map((row) => row.customerExternalId)),
    ]);
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    const rows: ImportedRevenue[] = [];
    input.rows.forEach((row, i) => {
      const customerId = customers.get(row.customerExternalId)?.id;
      const amount = this.rates.convert(row.amount, row.currency);
      const key = `${row.customerExternalId}/${row.month}`;
      if (customerId === undefined) {
        problems.push({
          field: `rows[${i}].customerExternalId`,
          problem: `is not a known customer`,
        });
      }
      if (amount === null) {
        problems.push({
          field: `rows[${i}].currency`,
          problem: `has no exchange rate to ${this.rates.reportingCurrency} (configure EXCHANGE_RATES)`,
        });
      }
      if (seen.has(key)) {
        problems.push({
          field: `rows[${i}].month`,
          problem: 'repeats a customer and month of an earlier row',
        });
      }
      seen.add(key);
      if (customerId !== undefined && amount !== null) {
        rows.push({
          customerId,
          month: row.month,
          currency: row.currency,
          originalAmount: row.amount,
          amount,
        });
      }
    });
    if (problems.length > 0) throw new ValidationFailedError(problems);
    await this.ledger.upsertImports(rows);
    return { imported: rows.length, reportingCurrency: this.rates.reportingCurrency };
  }
}

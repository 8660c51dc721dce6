import { DataSource } from 'typeorm';
import { TestApp } from '../support/test-app';

/**
 * SQL access for the metering tests, which create their data through the API
 * (test/support/factories.ts): the API answers with keys, while the tables and
 * aggregateUsage work with ids, and closing a period has no endpoint of its own.
 */
export class MeteringTables {
  private readonly db: DataSource;

  constructor(t: TestApp) {
    this.db = t.app.get(DataSource);
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.db.query(sql, params);
  }

  async meterId(key: string): Promise<string> {
    return this.idOf('SELECT id FROM meters WHERE key = $1', key);
  }

  async customerId(externalId: string): Promise<string> {
    return this.idOf('SELECT id FROM customers WHERE external_id = $1', externalId);
  }

  /** What finalizing invoices does to metering: usage of the customer's subscriptions before `at` is closed. */
  async closeUsageBefore(externalId: string, at: string): Promise<void> {
    await this.query(
      `UPDATE subscriptions SET usage_closed_before = $2
       WHERE customer_id = (SELECT id FROM customers WHERE external_id = $1)`,
      [externalId, at],
    );
  }

  private async idOf(sql: string, key: string): Promise<string> {
    const [row] = await this.query<{ id: string }>(sql, [key]);
    if (!row) throw new Error(`nothing found for '${key}'`);
    return row.id;
  }
}
